import MailslaCore
import Testing
@testable import Mailsla

// A queue key's words are in snapshots and decide hashing and equality: the word loads must give
// exactly what copying the id's bytes into zeroed words gives, for every length up to the cut at 24.
@Suite struct QueueKeyTests {
    @Test func wordsAreTheBytesCopiedIntoZeroedWordsForEveryLength() {
        let source: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: 0x31 &+ $0 &* 37) }
        for count in 0...source.count {
            // An id inside a longer buffer, as captures are: bytes past it must not leak in.
            let slice = Array(source[0..<count]) + [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11, 0x22]
            let key = slice.withUnsafeBufferPointer { QueueKey(host: Symbol(raw: 3), bytes: UnsafeBufferPointer(rebasing: $0[0..<count])) }
            var expected: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let n = min(count, 24)
            withUnsafeMutableBytes(of: &expected) { raw in
                source.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            #expect(key.length == UInt8(n))
            #expect(key.a == expected.0, "length \(count)")
            #expect(key.b == expected.1, "length \(count)")
            #expect(key.c == expected.2, "length \(count)")
        }
    }

    @Test func keysOfEqualIdsAreEqualAndOfDifferentIdsDiffer() {
        let a = QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT7")
        #expect(a == QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT7"))
        #expect(a != QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT8"))
        #expect(a != QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT"))
        #expect(a != QueueKey(host: Symbol(raw: 2), text: "4jHFPB4w4Rz1rT7"))
    }

    /// Message-id keys compare the ids' bytes (a filter hands the header back unchanged): equal bytes
    /// are one key with one hash whatever the length; canonically equivalent text with other bytes
    /// (KELVIN SIGN for K) is another key, as are the same id on another host.
    @Test func messageIDKeysCompareBytes() {
        for id in ["", "a", "1234567", "12345678", "20230314000833.4F1A2B@mail.example.net", "caf\u{E9}@example.com"] {
            let a = MessageIDKey(host: Symbol(raw: 1), id: id), b = MessageIDKey(host: Symbol(raw: 1), id: String(decoding: Array(id.utf8), as: UTF8.self))
            #expect(a == b)
            #expect(a.hashValue == b.hashValue)
            #expect(Set([a, b]).count == 1)
        }
        #expect("\u{212A}@example.com" == "K@example.com") // String equality would have joined them
        #expect(MessageIDKey(host: Symbol(raw: 1), id: "\u{212A}@example.com") != MessageIDKey(host: Symbol(raw: 1), id: "K@example.com"))
        #expect(MessageIDKey(host: Symbol(raw: 1), id: "x@example.com") != MessageIDKey(host: Symbol(raw: 2), id: "x@example.com"))
        #expect(MessageIDKey(host: Symbol(raw: 1), id: "x@example.com") != MessageIDKey(host: Symbol(raw: 1), id: "y@example.com"))
        var links: [MessageIDKey: Int] = [:]
        for i in 0..<1000 { links[MessageIDKey(host: Symbol(raw: UInt32(i % 3)), id: "id\(i)@example.net")] = i }
        #expect((0..<1000).allSatisfy { links[MessageIDKey(host: Symbol(raw: UInt32($0 % 3)), id: "id\($0)@example.net")] == $0 })
    }
}
