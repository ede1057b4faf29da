import Foundation
import MailslaCore
import MailslaJournal
import Testing

/// Following journal files that `systemd-journal-remote` writes and appends to.
@Suite struct JournalFollowerFileTests {
    static let t0: UInt64 = 1_700_000_000_000_000

    static func entries(_ range: Range<Int>) -> [ExportEntry] {
        range.map { i in
            var entry = ExportEntry.syslog(time: t0 + UInt64(i) * 1_000_000, message: "m\(i)")
            entry.add("__MONOTONIC_TIMESTAMP", "\(1000 + i)")
            entry.add("_BOOT_ID", "0123456789abcdef0123456789abcdef")
            return entry
        }
    }

    private func names(_ range: Range<Int>) -> [String] { range.map { "m\($0)" } }

    @Test("entries journal-remote appends to a followed file are read after the wake-up")
    func seesAppendedEntries() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        try fixture.write(Self.entries(0..<5))
        let symbols = SymbolTable()
        let follower = try JournalFollower(.directory(fixture.directory), matches: [], start: .beginning, symbols: symbols)
        #expect(try follower.readNow() == names(0..<5))
        try fixture.write(Self.entries(5..<12))
        #expect(try follower.collect(7, symbols: symbols) == names(5..<12))
    }

    @Test("from the end: the cursor names the last old entry, and a restart from it gives only the new ones")
    func endThenCursor() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        try fixture.write(Self.entries(0..<5))
        let symbols = SymbolTable()
        // journal-remote keeps the stamps it is given: these are in the past, so "now" is after them all.
        let follower = try JournalFollower(.directory(fixture.directory), matches: [], start: .end, symbols: symbols)
        #expect(try follower.readNow().isEmpty)
        let stored = try #require(follower.cursor)
        try fixture.write(Self.entries(5..<8))
        let restarted = try JournalFollower(.directory(fixture.directory), matches: [], start: .cursor(stored),
                                            symbols: symbols)
        #expect(restarted.cursorFound == true)
        #expect(try restarted.readNow() == names(5..<8))
    }

    @Test("from a time: entries stamped at or after it")
    func sinceTime() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        try fixture.write(Self.entries(0..<10))
        let follower = try JournalFollower(.directory(fixture.directory), matches: [],
                                           start: .since(Int64(Self.t0) + 6_000_000), symbols: SymbolTable())
        #expect(try follower.readNow() == names(6..<10))
    }

    @Test("stop and reopen from the cursor in the middle: every entry once, with a unit match")
    func cursorInTheMiddle() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let entries = Self.entries(0..<12).enumerated().map { i, entry in
            var entry = entry
            entry.add("_SYSTEMD_UNIT", i % 3 == 0 ? "dovecot.service" : "postfix@-.service")
            return entry
        }
        try fixture.write(entries)
        let matches = ["_SYSTEMD_UNIT=postfix@-.service"]
        let symbols = SymbolTable()
        let first = try JournalFollower(.directory(fixture.directory), matches: matches, start: .beginning, symbols: symbols)
        var batch = RecordBatch()
        #expect(try first.read(into: &batch, max: 3) == 3)
        let cursor = try #require(first.cursor)
        let second = try JournalFollower(.directory(fixture.directory), matches: matches, start: .cursor(cursor),
                                         symbols: symbols)
        let rest = try second.readNow()
        let firstMessages = batch.records.map { batch.message(of: $0) }
        let expected = (0..<12).filter { $0 % 3 != 0 }.map { "m\($0)" }
        #expect(firstMessages + rest == expected)
    }
}
