import MailslaCore
import MailslaJournal
import Testing

/// `cursor()` and `seek(cursor:)`: a later run resumes after the last entry it handled.
@Suite struct JournalReaderCursorTests {
    static let t0: UInt64 = 1_700_000_000_000_000

    /// Entry i has message "m<i>", a distinct time and monotonic stamp, and one boot id.
    static func entries(_ range: Range<Int>, identifier: (Int) -> String = { _ in "postfix/smtpd" }) -> [ExportEntry] {
        range.map { i in
            var entry = ExportEntry.syslog(time: t0 + UInt64(i) * 1000, identifier: identifier(i), message: "m\(i)")
            entry.add("__MONOTONIC_TIMESTAMP", "\(1000 + i)")
            entry.add("_BOOT_ID", "0123456789abcdef0123456789abcdef")
            return entry
        }
    }

    @Test func cursorIsNilBeforeTheFirstEntry() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(0..<3))
        let reader = try JournalReader(.files([file]), symbols: SymbolTable())
        #expect(reader.cursor() == nil)
    }

    @Test func resumesAfterTheCursorsEntry() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(0..<6))
        let first = try JournalReader(.files([file]), symbols: SymbolTable())
        var batch = RecordBatch()
        #expect(try first.read(into: &batch, limit: 3) == 3)
        let cursor = try #require(first.cursor())

        let symbols = SymbolTable()
        let second = try JournalReader(.files([file]), symbols: symbols)
        #expect(try second.seek(cursor: cursor))
        #expect(second.cursor() == cursor)
        #expect(try messages(second.readAll(symbols: symbols)) == ["m3", "m4", "m5"])
    }

    @Test func cursorAtTheEndNamesTheLastEntry() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(0..<4))
        let symbols = SymbolTable()
        let first = try JournalReader(.files([file]), symbols: symbols)
        _ = try first.readAll(symbols: symbols)
        let cursor = try #require(first.cursor())

        let second = try JournalReader(.files([file]), symbols: symbols)
        #expect(try second.seek(cursor: cursor))
        #expect(try second.readAll(symbols: symbols).isEmpty)
        #expect(second.cursor() == cursor)
    }

    @Test func cursorWorksWithMatches() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(0..<8) { $0 % 2 == 0 ? "postfix/smtpd" : "sshd" })
        let matches = ["SYSLOG_IDENTIFIER=sshd"]
        let first = try JournalReader(.files([file]), matches: matches, symbols: SymbolTable())
        var batch = RecordBatch()
        #expect(try first.read(into: &batch, limit: 2) == 2)
        let cursor = try #require(first.cursor())

        let symbols = SymbolTable()
        let second = try JournalReader(.files([file]), matches: matches, symbols: symbols)
        #expect(try second.seek(cursor: cursor))
        #expect(try messages(second.readAll(symbols: symbols)) == ["m5", "m7"])
    }

    /// The stored cursor's entry was vacuumed: reading resumes at the first entry past it,
    /// and delivers that entry instead of skipping it.
    @Test func goneEntryResumesAtTheNextOne() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let old = try fixture.write(Self.entries(0..<6), name: "old.journal")
        let first = try JournalReader(.files([old]), symbols: SymbolTable())
        var batch = RecordBatch()
        #expect(try first.read(into: &batch, limit: 3) == 3)
        let cursor = try #require(first.cursor())

        let vacuumed = try fixture.write(Self.entries(0..<2) + Self.entries(4..<8), name: "new.journal")
        let symbols = SymbolTable()
        let second = try JournalReader(.files([vacuumed]), symbols: symbols)
        #expect(try second.seek(cursor: cursor) == false)
        // Until m4 is read, resuming must still start from the old cursor, not skip m4.
        #expect(second.cursor() == cursor)
        var empty = RecordBatch()
        #expect(try second.read(into: &empty, limit: 0) == 0)
        #expect(try messages(second.readAll(symbols: symbols, limit: 1)) == ["m4", "m5", "m6", "m7"])
        #expect(second.cursor() != cursor)
    }

    @Test func cursorPastEverythingReadsNothing() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let old = try fixture.write(Self.entries(0..<6), name: "old.journal")
        let symbols = SymbolTable()
        let first = try JournalReader(.files([old]), symbols: symbols)
        _ = try first.readAll(symbols: symbols)
        let cursor = try #require(first.cursor())

        let shorter = try fixture.write(Self.entries(0..<3), name: "short.journal")
        let second = try JournalReader(.files([shorter]), symbols: symbols)
        #expect(try second.seek(cursor: cursor) == false)
        #expect(try second.readAll(symbols: symbols).isEmpty)
        // Nothing was read, so the place to resume from is still the stored cursor.
        #expect(second.cursor() == cursor)
    }

    @Test(arguments: ["", "garbage"])
    func malformedCursorIsRejected(cursor: String) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(0..<2))
        let reader = try JournalReader(.files([file]), symbols: SymbolTable())
        let error = #expect(throws: InputError.self) { try reader.seek(cursor: cursor) }
        #expect(error?.code == .journalRejected)
        #expect(error?.reason.hasPrefix("bad cursor '\(cursor)': ") == true, "\(String(describing: error))")
    }
}
