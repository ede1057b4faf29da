import Foundation
import Testing
import MailslaCore
@testable import Mailsla

/// Lines of a fixture next to this file, without its comment lines.
private func fixture(_ name: String) throws -> [String] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
}

@Suite struct FlowCorrelatorTests {
    @Test func aMessageThroughTheFilterIsOneRecordWithItsBounceNotice() throws {
        let (records, health) = correlate(try fixture("filter-hop-partial-bounce.log"))
        #expect(records.count == 2)
        let message = try #require(records.first { !$0.isNotice })
        #expect(message.queueIDs == ["1A2B3C4D5E", "2B3C4D5E6F"])
        #expect(message.status == .bounced)
        #expect(message.recipients.map { "\($0.address)=\($0.status)" } == ["u1@example.com=delivered", "u2@example.com=bounced"])
        #expect(message.filter?.engine == "amavis")
        #expect(message.filter?.verdict == "CLEAN")
        // Hand-off began at 10:00:03 − (0.1 + 2.3) s; the copy came back at 10:00:03.
        #expect(abs((message.filter?.roundTripSeconds ?? 0) - 2.4) < 0.001)
        #expect(message.client?.ip == "198.51.100.7")
        #expect(message.sender == "a@example.net")
        #expect(message.size == 1000)
        #expect(message.direction == "inbound")
        let notice = try #require(records.first { $0.isNotice })
        #expect(notice.parent == "1A2B3C4D5E")
        #expect(notice.queueIDs == ["3C4D5E6F7A"], "a remote MX's 'queued as' is not a re-injection")
        #expect(health.received == 1)
        #expect(health[.bounced] == 1)
        #expect(health.ndn == 1)
        #expect(health.rejected == 1)
        #expect(health.rejectedByReason == ["relay_denied": 1])
    }

    @Test func aReusedQueueIDStartsANewMessage() {
        let lines = [  // built
            "Nov  3 10:00:01 mx1 postfix/smtpd[1]: 4ABCDEF123: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 4ABCDEF123: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:02 mx1 postfix/local[3]: 4ABCDEF123: to=<u@mx1.example.com>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  3 10:00:02 mx1 postfix/qmgr[2]: 4ABCDEF123: removed",
            "Nov  9 11:00:01 mx1 postfix/smtpd[1]: 4ABCDEF123: client=b.example.net[198.51.100.2]",
            "Nov  9 11:00:01 mx1 postfix/qmgr[2]: 4ABCDEF123: from=<b@example.net>, size=20, nrcpt=1 (queue active)",
            "Nov  9 11:00:02 mx1 postfix/local[3]: 4ABCDEF123: to=<v@mx1.example.com>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  9 11:00:02 mx1 postfix/qmgr[2]: 4ABCDEF123: removed",
        ]
        let (records, health) = correlate(lines)
        #expect(records.map(\.sender) == ["a@example.net", "b@example.net"])
        #expect(records.map { $0.recipients.map(\.address) } == [["u@mx1.example.com"], ["v@mx1.example.com"]])
        #expect(health.received == 2 && health[.delivered] == 2)
    }

    @Test func deferralsThenExpiry() {
        let lines = [  // built
            "Nov  3 10:00:01 mx1 postfix/pickup[1]: 5BCDEF1234: uid=0 from=<root>",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 5BCDEF1234: from=<root@mx1.example.com>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:31 mx1 postfix/smtp[3]: 5BCDEF1234: to=<x@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.5]:25: Connection timed out)",
            "Nov  4 10:00:31 mx1 postfix/smtp[3]: 5BCDEF1234: to=<x@example.org>, relay=none, delay=86430, delays=86400/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.5]:25: Connection timed out)",
            "Nov  8 10:00:31 mx1 postfix/qmgr[2]: 5BCDEF1234: from=<root@mx1.example.com>, status=expired, returned to sender",
            "Nov  8 10:00:31 mx1 postfix/qmgr[2]: 5BCDEF1234: removed",
        ]
        let (records, health) = correlate(lines)
        #expect(records.count == 1)
        #expect(records[0].status == .expired)
        #expect(records[0].recipients.first?.attempts.count == 2)
        #expect(records[0].recipients.first?.status == "expired")
        #expect(health[.expired] == 1 && health.received == 1)
        #expect(health.deferralsByReason == ["connection_timeout": 2])
    }

    @Test func aMessageHandedToTheFilterThatNeverComesBackIsLost() {
        let lines = [  // built: the filter accepted it and never re-injected a copy
            "Nov  3 10:00:01 mx1 postfix/smtpd[1]: 6CDEF12345: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 6CDEF12345: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:02 mx1 postfix/smtp[3]: 6CDEF12345: to=<u@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok, id=1234-01)",
            "Nov  3 10:00:02 mx1 postfix/qmgr[2]: 6CDEF12345: removed",
            "Nov  3 10:30:00 mx1 postfix/smtpd[1]: connect from b.example.net[198.51.100.2]",
        ]
        let (records, health) = correlate(lines)
        #expect(records.map(\.status) == [.lost])
        #expect(health[.lost] == 1)
    }

    @Test func lmtpToDovecotOnTheLoopbackIsADeliveryNotAHandOff() {
        let lines = [  // from scripts/e2e: a test filter on 10025, then Dovecot's LMTP on 127.0.0.1:10024
            "Nov 26 19:40:56 mx postfix/smtpd[7140]: 0FE4F10E6D2: client=localhost[127.0.0.1]",
            "Nov 26 19:40:56 mx postfix/cleanup[7143]: 0FE4F10E6D2: message-id=<e2e-1@e2e.test>",
            "Nov 26 19:40:56 mx postfix/qmgr[6714]: 0FE4F10E6D2: from=<sender1@e2e.test>, size=318, nrcpt=1 (queue active)",
            "Nov 26 19:40:56 mx postfix/smtpd[6899]: 1557510E6F2: client=localhost[127.0.0.1]",
            "Nov 26 19:40:56 mx postfix/cleanup[7143]: 1557510E6F2: message-id=<e2e-1@e2e.test>",
            "Nov 26 19:40:56 mx postfix/qmgr[6714]: 1557510E6F2: from=<sender1@e2e.test>, size=534, nrcpt=1 (queue active)",
            "Nov 26 19:40:56 mx postfix/smtp[7144]: 0FE4F10E6D2: to=<probe@e2e.test>, relay=127.0.0.1[127.0.0.1]:10025, delay=0.07, delays=0.01/0/0/0.06, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1557510E6F2)",
            "Nov 26 19:40:56 mx postfix/qmgr[6714]: 0FE4F10E6D2: removed",
            "Nov 26 19:40:56 mx postfix/lmtp[7149]: 1557510E6F2: to=<probe@e2e.test>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.09, delays=0.05/0.01/0.01/0.02, dsn=2.0.0, status=sent (250 2.0.0 <probe@e2e.test> aDkQCEiLCGvSGwAAg+zDdQ Saved)",
            "Nov 26 19:40:56 mx postfix/qmgr[6714]: 1557510E6F2: removed",
        ]
        let (records, health) = correlate(lines)
        #expect(records.count == 1)
        #expect(records.first?.status == .delivered)
        #expect(records.first?.queueIDs == ["0FE4F10E6D2", "1557510E6F2"])
        #expect(records.first?.recipients.map(\.status) == ["delivered"])
        #expect(health.received == 1 && health[.delivered] == 1 && health[.discarded] == 0)
    }

    @Test func stillQueuedAtTheEndIsDeferredOrInFlight() {
        let lines = [  // built
            "Nov  3 10:00:01 mx1 postfix/smtpd[1]: 7DEF123456: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 7DEF123456: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:31 mx1 postfix/smtp[3]: 7DEF123456: to=<x@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.5]:25: Connection timed out)",
            "Nov  3 10:00:40 mx1 postfix/smtpd[1]: 8EF1234567: client=b.example.net[198.51.100.2]",
        ]
        let (records, health) = correlate(lines)
        #expect(records.map(\.status) == [.deferred, .inFlight])
        #expect(health[.deferred] == 1 && health[.inFlight] == 1 && health.received == 2)
    }

    @Test func memoryStaysBoundedByEvictingTheOldest() {
        var settings = FlowSettings()
        settings.maxMessages = 50
        let lines = (0..<500).map { i in  // built: clients that never finish
            "Nov  3 10:\(String(format: "%02d", i / 60)):\(String(format: "%02d", i % 60)) mx1 postfix/smtpd[1]: \(String(format: "%010X", 0xA000000000 + i)): client=a.example.net[198.51.100.1]"
        }
        let (records, health) = correlate(lines, settings: settings)
        #expect(health.evicted == 450)
        #expect(records.count == 500)
    }
}

@Suite struct PixelparkFlowTests {
    /// A real day of a Postfix + amavis + Dovecot server (../shared/corpus/pixelpark-postfix-logsums).
    static let day: (records: [MessageRecord], health: FlowHealth, text: String) = {
        let text = try! corpusText("pixelpark-postfix-logsums/test/mail-2023-03-14.log.xz")
        let (records, health) = correlate(text.split(separator: "\n").map(String.init), year: 2023)
        return (records, health, text)
    }()

    @Test func everyQueuedMessageEndsRemoved() {
        let removed = Set(Self.day.text.split(separator: "\n").filter { $0.hasSuffix(": removed") }.map {
            String($0.split(separator: " ")[3].dropLast())
        })
        let recorded = Set(Self.day.records.flatMap(\.queueIDs))
        #expect(recorded == removed)
        #expect(Self.day.records.allSatisfy { $0.finished != nil })
    }

    @Test func everyAmavisHandOffIsLinkedAndTheCopyIsDeliveredToDovecot() {
        let lines = Self.day.text.split(separator: "\n")
        let handoffs = lines.filter { $0.contains("postfix/amavis/smtp") && $0.contains("queued as ") }
        #expect(handoffs.count == 75)
        for line in handoffs {
            let original = String(line.split(separator: " ")[3].dropLast())
            let copy = String(line.split(separator: " ").last!.dropLast())
            let record = Self.day.records.first { $0.queueIDs.contains(original) }
            #expect(record?.queueIDs.contains(copy) == true, "\(original) → \(copy)")
        }
        let viaFilter = Self.day.records.filter { $0.queueIDs.count >= 2 }
        #expect(viaFilter.count == 75)
        #expect(viaFilter.allSatisfy { r in r.recipients.allSatisfy { $0.attempts.last?.relay == "dovecot" || $0.attempts.last?.relay?.hasPrefix("mx") == true || $0.attempts.last?.relay == "local" } })
    }

    @Test func receivedCountsEachMessageOnce() {
        // 151 queue files: 75 originals, 75 re-injected copies, 1 local forward of a re-injected copy.
        #expect(Self.day.health.received == 75)
        #expect(Self.day.records.count == 75)
        #expect(Self.day.health[.delivered] == 75)
        #expect(Self.day.health.filterRoundTrip.totalCount == 75)
    }
}

@Suite struct FlowSeriesTests {
    @Test func hoursAddUpToTheTotalsAndTheDeferredQueueIsSampled() {
        let lines = [  // built: one delivery at 10:00, one deferral at 10:30 that stays queued, a reject at 12:10
            "Nov  3 10:00:01 mx1 postfix/smtpd[1]: 9A00000001: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 9A00000001: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:02 mx1 postfix/local[3]: 9A00000001: to=<u@mx1.example.com>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  3 10:00:02 mx1 postfix/qmgr[2]: 9A00000001: removed",
            "Nov  3 10:30:00 mx1 postfix/smtpd[1]: 9A00000002: client=b.example.net[198.51.100.2]",
            "Nov  3 10:30:00 mx1 postfix/qmgr[2]: 9A00000002: from=<b@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:30:31 mx1 postfix/smtp[3]: 9A00000002: to=<x@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.5]:25: Connection timed out)",
            "Nov  3 12:10:00 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 <x@example.com>: Relay access denied; from=<s@example.org> to=<x@example.com> proto=ESMTP helo=<h>",
        ]
        let (_, health) = correlate(lines)
        let hours = health.series.all
        #expect(hours.map { TimeFormat.rfc3339(micros: $0.start) }
            == ["2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", "2026-11-03T12:00:00Z"])
        #expect(hours.map(\.received) == [2, 0, 0])
        #expect(hours.map(\.delivered) == [1, 0, 0])
        #expect(hours.map(\.rejected) == [0, 0, 1])
        #expect(hours.map(\.deferredQueue).prefix(2) == [1, 1])
    }
}
