import Foundation
import MailslaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mailsla tail` following a real systemd-journald (its own namespace, PLATFORM.md §3),
/// killed and restarted in the middle: it resumes by cursor, each entry counted once.
@Suite(.serialized) struct TailJournaldTests {
    @Test func aRestartResumesByCursorWithoutLossOrDuplicates() async throws {
        let journald = try Journald()
        defer { journald.stop() }
        let h = try TailHarness(checkpointInterval: "0.2", journalNamespace: journald.namespace)
        var sent = 0
        func send(_ n: Int) throws {
            for i in 0..<n {
                let ip = "192.0.2.\((sent + i) % 250 + 1)"
                let message = (sent + i) % 2 == 0 ? "connect from unknown[\(ip)]" : "disconnect from unknown[\(ip)] ehlo=1 quit=1 commands=2"
                try journald.send([message], identifier: "postfix/smtpd")
            }
            sent += n
        }
        try send(300)
        try await h.start()
        try await h.waitForLines(300, timeout: 20)
        try send(300)
        try await h.kill9()                          // somewhere in reading or checkpointing the second 300
        try send(200)                          // while down
        try await h.start()
        try await h.waitForLines(800, timeout: 20)
        #expect(try await h.stop() == 0, "\(h.stderr())")
        try send(100)                          // while down after a graceful stop
        try await h.start()
        try await h.waitForLines(900, timeout: 20)
        #expect(try await h.stop() == 0)
        let c = try h.counters()
        #expect(c["journal_entries"] == 900)
        #expect(c["rule:postfix.smtpd.connect"] == 450)
        #expect(c["rule:postfix.smtpd.disconnect"] == 450)
        #expect(h.stderr().contains("journal_cursors=1"))
    }
}
