import Testing
@testable import MailslaCore

@Suite struct SymbolTableTests {
    /// Names of every length from 1 to 40 bytes, each also with one byte changed at every
    /// position: the word-at-a-time comparison must tell all of them apart.
    @Test func namesThatDifferInAnyOneByteAreDifferentSymbols() {
        let table = SymbolTable()
        var seen: [Symbol: String] = [:]
        for length in 1...40 {
            let base = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            var variants = [base]
            for position in 0..<length {
                var changed = base
                changed[position] = UInt8(ascii: "Z")
                variants.append(changed)
            }
            for name in variants {
                let symbol = name.withUnsafeBufferPointer { table.intern($0) }
                let text = String(decoding: name, as: UTF8.self)
                #expect(seen[symbol] == nil || seen[symbol] == text)
                seen[symbol] = text
                #expect(table.name(symbol) == text)
            }
        }
        #expect(seen.count == (1...40).reduce(0) { $0 + $1 + 1 })
        // Again, now answered by the cache and the hash table: the same symbols.
        for (symbol, text) in seen { #expect(table.intern(text) == symbol) }
    }

    /// `bytes(of:)` gives the exact bytes interned (invalid UTF-8 included), so another table
    /// interning them gets the same name; empty for the two fixed symbols.
    @Test func bytesOfASymbolAreTheInternedBytes() {
        let table = SymbolTable()
        let names: [[UInt8]] = [Array("mx1".utf8), [0x66, 0xFF, 0x6F], Array("postfix/submission/smtpd".utf8)]
        for name in names {
            let symbol = name.withUnsafeBufferPointer { table.intern($0) }
            #expect(Array(table.bytes(of: symbol)) == name)
        }
        #expect(table.bytes(of: .none).isEmpty)
        #expect(table.bytes(of: .overflow).isEmpty)
    }

    @Test func shortBytesComparesOnlyTheGivenCount() {
        let a: [UInt8] = Array("postfix/smtpd[1]".utf8)
        let b: [UInt8] = Array("postfix/smtpd:xx".utf8)
        a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                for n in 0...13 { #expect(ShortBytes.equal(pa.baseAddress!, pb.baseAddress!, count: n)) }
                #expect(!ShortBytes.equal(pa.baseAddress!, pb.baseAddress!, count: 14))
                #expect(!ShortBytes.equal(pa.baseAddress!, pb.baseAddress!, count: 16))
            }
        }
    }
}
