import Foundation
import Testing
import MailslaCore
@testable import Mailsla

// A flood inside one message: a queue file with more recipients than any
// Postfix limit, or a recipient retried without end. Both are kept to their
// bound and counted; the message is still one record with its current status.
@Suite struct FlowBoundsTests {
    static func delivery(_ qid: String, _ rcpt: String, _ second: Int, status: String = "sent") -> String {
        let stamp = String(format: "Nov  3 %02d:%02d:%02d", 10 + second / 3600, second / 60 % 60, second % 60)
        let reply = status == "sent" ? "250 2.0.0 Ok" : "connect to mx.example.org[192.0.2.5]:25: Connection timed out"
        return "\(stamp) mx1 postfix/smtp[3]: \(qid): to=<\(rcpt)>, relay=mx.example.org[192.0.2.5]:25, delay=1, delays=0/0/0/1, dsn=\(status == "sent" ? "2.0.0" : "4.4.1"), status=\(status) (\(reply))"
    }

    @Test func recipientsPastTheBoundAreCountedNotKept() throws {
        var lines = [
            "Nov  3 10:00:00 mx1 postfix/smtpd[1]: 4ABCDEF123: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:00 mx1 postfix/qmgr[2]: 4ABCDEF123: from=<a@example.net>, size=10, nrcpt=5000 (queue active)",
        ]
        lines += (0..<5000).map { Self.delivery("4ABCDEF123", "r\($0)@example.org", 1 + $0 / 100) }
        lines.append("Nov  3 10:01:00 mx1 postfix/qmgr[2]: 4ABCDEF123: removed")
        var settings = FlowSettings()
        settings.maxRecipientsPerQueueFile = 1000
        let (records, health) = correlate(lines, settings: settings)
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.recipients.count == 1000)
        #expect(record.status == .delivered)
        #expect(health.droppedRecipients == 4000)
        #expect(health.attemptsByStatus["sent"] == 5000, "every attempt still counts")
    }

    /// Past `Hop.scannedRecipients` a delivery finds its recipient through an index: a retry
    /// still lands on the recipient's slot, in first-seen order, with no duplicate.
    @Test func retriesOfALargeListLandOnTheirRecipients() throws {
        var lines = [
            "Nov  3 10:00:00 mx1 postfix/pickup[1]: 6CDEF12345: uid=1000 from=<list>",
            "Nov  3 10:00:00 mx1 postfix/qmgr[2]: 6CDEF12345: from=<list@example.com>, size=10, nrcpt=300 (queue active)",
        ]
        lines += (0..<300).map { Self.delivery("6CDEF12345", "r\($0)@example.org", 1, status: "deferred") }
        lines += (0..<300).reversed().map { Self.delivery("6CDEF12345", "r\($0)@example.org", 600) }
        lines.append("Nov  3 10:11:00 mx1 postfix/qmgr[2]: 6CDEF12345: removed")
        let (records, health) = correlate(lines)
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.recipients.map(\.address) == (0..<300).map { "r\($0)@example.org" })
        #expect(record.recipients.allSatisfy { $0.attempts.map(\.status) == ["deferred", "sent"] && $0.status == "delivered" })
        #expect(record.status == .delivered)
        #expect(health.droppedRecipients == 0)
    }

    @Test func attemptsPastTheBoundOverwriteTheLastSoTheStatusStaysCurrent() throws {
        var lines = [
            "Nov  3 10:00:00 mx1 postfix/pickup[1]: 5BCDEF1234: uid=0 from=<root>",
            "Nov  3 10:00:00 mx1 postfix/qmgr[2]: 5BCDEF1234: from=<root@example.com>, size=10, nrcpt=1 (queue active)",
        ]
        lines += (0..<50).map { Self.delivery("5BCDEF1234", "x@example.org", 1 + $0 * 60, status: "deferred") }
        lines.append(Self.delivery("5BCDEF1234", "x@example.org", 3100))
        lines.append("Nov  3 10:52:00 mx1 postfix/qmgr[2]: 5BCDEF1234: removed")
        var settings = FlowSettings()
        settings.maxAttemptsPerRecipient = 10
        let (records, health) = correlate(lines, settings: settings)
        let recipient = try #require(records.first?.recipients.first)
        #expect(recipient.attempts.count == 10)
        #expect(recipient.attempts.last?.status == "sent")
        #expect(recipient.status == "delivered")
        #expect(health.droppedAttempts == 41)
        #expect(health.attemptsByStatus == ["deferred": 50, "sent": 1])
    }
}
