import MailslaCore
@testable import MailslaJournal
import Testing

/// The name cache must answer exactly what the symbol table answers.
@Suite struct RecentNamesTests {
    @Test func givesTheTablesSymbols() {
        let table = SymbolTable()
        let cache = RecentNames(table)
        // Many names that share length and bytes, so slots collide and get replaced;
        // one longer than a slot; each asked for several times in a mixed order.
        let names = (0..<300).map { "postfix/s\($0 % 10)tp\($0 / 10)" } + ["h", String(repeating: "x", count: 200)]
        for round in 0..<3 {
            for name in round == 1 ? names.reversed() : names {
                let symbol = Array(name.utf8).withUnsafeBufferPointer { cache.symbol($0) }
                #expect(table.name(symbol) == name)
                #expect(symbol == table.intern(name))
            }
        }
        #expect(table.count == names.count + 2)
    }

    @Test func overflowIsCountedEveryTime() {
        let table = SymbolTable(limit: 3)
        let cache = RecentNames(table)
        let first = Array("first".utf8).withUnsafeBufferPointer { cache.symbol($0) }
        #expect(table.name(first) == "first")
        for _ in 0..<4 {
            #expect(Array("second".utf8).withUnsafeBufferPointer { cache.symbol($0) } == .overflow)
        }
        #expect(table.overflowed == 4)
        #expect(Array("first".utf8).withUnsafeBufferPointer { cache.symbol($0) } == first)
    }

    @Test func emptyNameIsNone() {
        let cache = RecentNames(SymbolTable())
        #expect([UInt8]().withUnsafeBufferPointer { cache.symbol($0) } == .none)
    }
}
