import Foundation
import MailslaCore
import MailslaJournal
import MailslaTestSupport
import Testing

/// Against a real systemd-journald started here. Serialized: one daemon at a time, each
/// stopped and its files removed before the next test.
@Suite("JournalFollower with a running journald", .serialized)
struct JournalFollowerDaemonTests {
    private func withJournald(_ body: (Journald) throws -> Void) throws {
        let journald = try Journald()
        defer { journald.stop() }
        try body(journald)
    }

    private func texts(_ range: Range<Int>, _ tag: String) -> [String] { range.map { "\(tag) \($0)" } }

    @Test("from the end: earlier entries are not read, new ones are within the deadline, in order")
    func followsFromTheEnd() throws {
        try withJournald { journald in
            try journald.send(texts(0..<20, "before"), identifier: "mailsla-test")
            // Make sure the earlier entries are stored before the follower starts.
            let check = SymbolTable()
            let probe = try JournalFollower(journald.location, matches: ["SYSLOG_IDENTIFIER=mailsla-test"],
                                            start: .beginning, symbols: check)
            #expect(try probe.collect(20, symbols: check) == texts(0..<20, "before"))

            let symbols = SymbolTable()
            let follower = try JournalFollower(journald.location, matches: ["SYSLOG_IDENTIFIER=mailsla-test"],
                                               start: .end, symbols: symbols)
            #expect(follower.cursor != nil, "the cursor names the last entry before the start")
            try journald.send(texts(0..<50, "after"), identifier: "mailsla-test")
            try journald.send(texts(0..<5, "other"), identifier: "someone-else")
            #expect(try follower.collect(50, symbols: symbols) == texts(0..<50, "after"))
            #expect(try follower.readNow().isEmpty)
        }
    }

    @Test("from the end with a match on an identifier that has no entries yet (the systemd 252 seek_tail bug)")
    func endWithMatchOnNewIdentifier() throws {
        try withJournald { journald in
            try journald.send(texts(0..<10, "noise"), identifier: "noise")
            let symbols = SymbolTable()
            let follower = try JournalFollower(journald.location, matches: ["SYSLOG_IDENTIFIER=brand-new-id"],
                                               start: .end, symbols: symbols)
            try journald.send(texts(0..<5, "new"), identifier: "brand-new-id")
            #expect(try follower.collect(5, symbols: symbols) == texts(0..<5, "new"))
        }
    }

    @Test("stopped and reopened from the stored cursor: every entry exactly once")
    func resumesFromCursor() throws {
        try withJournald { journald in
            let matches = ["SYSLOG_IDENTIFIER=mailsla-test"]
            let symbols = SymbolTable()
            let first = try JournalFollower(journald.location, matches: matches, start: .end, symbols: symbols)
            try journald.send(texts(0..<30, "m"), identifier: "mailsla-test")
            var seen = try first.collect(30, symbols: symbols)
            let stored = try #require(first.cursor)
            // Written while mailsla is down, one line through syslog's /dev/log for good measure.
            try journald.send(texts(30..<60, "m"), identifier: "mailsla-test")
            try journald.logger("m 60", tag: "mailsla-test")

            let second = try JournalFollower(journald.location, matches: matches, start: .cursor(stored), symbols: symbols)
            #expect(second.cursorFound == true)
            seen += try second.collect(31, symbols: symbols)
            try journald.send(texts(61..<70, "m"), identifier: "mailsla-test")
            seen += try second.collect(9, symbols: symbols)
            // journald reads its native and syslog sockets in turn, so the logger line may be
            // stored ahead of native lines sent before it: compare as sets, with no line twice.
            #expect(seen.count == 70)
            #expect(seen.sorted() == texts(0..<70, "m").sorted())
        }
    }

    @Test("rotation and vacuuming while following lose nothing that is still on disk")
    func survivesRotationAndVacuum() throws {
        try withJournald { journald in
            let symbols = SymbolTable()
            let follower = try JournalFollower(journald.location, matches: ["SYSLOG_IDENTIFIER=mailsla-test"],
                                               start: .beginning, symbols: symbols)
            try journald.send(texts(0..<20, "a"), identifier: "mailsla-test")
            var seen = try follower.collect(20, symbols: symbols)
            // Written, not read yet, then archived by the rotation: still on disk, so read.
            try journald.send(texts(0..<20, "b"), identifier: "mailsla-test")
            try journald.rotate()
            try journald.send(texts(0..<20, "c"), identifier: "mailsla-test")
            seen += try follower.collect(40, symbols: symbols)
            #expect(journald.journalFiles().count >= 2, "rotated: \(journald.journalFiles())")
            // The archived files (already read) go; following goes on in the active one.
            try journald.vacuum(keepingFiles: 1)
            #expect(journald.journalFiles() == ["system.journal"])
            try journald.send(texts(0..<20, "d"), identifier: "mailsla-test")
            try journald.rotate()
            try journald.send(texts(0..<20, "e"), identifier: "mailsla-test")
            seen += try follower.collect(40, symbols: symbols)
            #expect(seen == texts(0..<20, "a") + texts(0..<20, "b") + texts(0..<20, "c")
                    + texts(0..<20, "d") + texts(0..<20, "e"))
            let cursor = try #require(follower.cursor)
            // A restart after all that resumes from the cursor with nothing twice.
            let again = try JournalFollower(journald.location, matches: ["SYSLOG_IDENTIFIER=mailsla-test"],
                                            start: .cursor(cursor), symbols: symbols)
            try journald.send(["f 0"], identifier: "mailsla-test")
            #expect(try again.collect(1, symbols: symbols) == ["f 0"])
        }
    }
}
