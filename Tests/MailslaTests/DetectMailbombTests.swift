import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectMailbombTests {
    /// Built: ordinary mail all day, then 120 messages from 120 senders to one
    /// mailbox between 14:00 and 14:10.
    @Test func aFloodOfMessagesToOneRecipientIsAMailbomb() throws {
        var log = BuiltLog()
        var n = 0
        for hour in Int64(8)..<18 {
            for user in 0..<10 {
                n += 1
                log.message(qid(n), at: BuiltLog.at(hour, Int64(user) * 5), from: "friend\(user)@example.net",
                            to: ["user\(user)@example.com", "victim@example.com"].prefix(user == 0 ? 2 : 1).map { $0 })
            }
        }
        for i in 0..<120 {
            n += 1
            log.message(qid(n), at: BuiltLog.at(14, 0) + Int64(i) * 5, from: "bot\(i)@example.org",
                        to: ["victim@example.com"], client: "bot\(i).example.org[203.0.113.\(i % 200 + 1)]")
        }
        let result = detect(log.lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.kind == .mailbomb)
        #expect(e.topOffenders.first == Offender(key: "victim@example.com", type: "recipient", count: 121))
        #expect(e.openedBy.contains("recipient victim@example.com"))
        #expect(offBy(e.start, BuiltLog.at(14, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(14, 10)) <= 60)
    }

    /// Built: a newsletter sender mails 150 subscribers one by one every morning;
    /// on day 7 it mails 400. That is within its own baseline: no episode.
    /// A one-message newsletter to 500 recipients counts once for its sender.
    @Test func aNewsletterWithinItsBaselineIsNoMailbomb() {
        var log = BuiltLog()
        var n = 0
        for day in Int64(0)..<6 {
            for i in 0..<150 {
                n += 1
                log.message(qid(n), at: BuiltLog.at(9, 0, day: day) + Int64(i) * 2, from: "news@example.org",
                            to: ["reader\(i)@example.com"], client: "list.example.org[192.0.2.30]")
            }
        }
        for i in 0..<400 {
            n += 1
            log.message(qid(n), at: BuiltLog.at(9, 0, day: 6) + Int64(i), from: "news@example.org",
                        to: ["reader\(i)@example.com"], client: "list.example.org[192.0.2.30]")
        }
        n += 1
        log.message(qid(n), at: BuiltLog.at(12, 0, day: 6), from: "digest@example.org",
                    to: (0..<500).map { "subscriber\($0)@example.com" }, client: "list.example.org[192.0.2.30]")
        let result = detect(log.lines)
        #expect(result.episodes.isEmpty, "\(result.episodes.map(\.openedBy))")
    }

    /// Built: the same 400 from a sender never seen before is a flood.
    @Test func aSenderFarAboveItsBaselineIsAMailbomb() throws {
        var log = BuiltLog()
        for i in 0..<5 {
            log.message(qid(i), at: BuiltLog.at(9, 0, day: Int64(i)), from: "shop@example.org", to: ["a@example.com"])
        }
        for i in 0..<400 {
            log.message(qid(100 + i), at: BuiltLog.at(9, 0, day: 6) + Int64(i), from: "shop@example.org",
                        to: ["reader\(i)@example.com"])
        }
        let e = try #require(detect(log.lines).episodes.first)
        #expect(e.kind == .mailbomb)
        #expect(e.topOffenders.first == Offender(key: "shop@example.org", type: "sender", count: 400))
        #expect(offBy(e.start, BuiltLog.at(9, 0, day: 6)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(9, 6, 39, day: 6)) <= 60)
    }

    /// Built: a stolen account that usually sends three messages a day submits 150 in ten minutes.
    @Test func aStolenSASLAccountIsAMailbomb() throws {
        var log = BuiltLog()
        var n = 0
        for day in Int64(0)..<5 {
            for i in 0..<3 {
                n += 1
                log.message(qid(n), at: BuiltLog.at(10 + Int64(i), 0, day: day), from: "alice@example.com",
                            to: ["friend\(i)@example.net"], client: "unknown[198.51.100.7]", sasl: "alice")
            }
        }
        for i in 0..<150 {
            n += 1
            log.message(qid(n), at: BuiltLog.at(3, 0, day: 5) + Int64(i) * 4, from: "alice@example.com",
                        to: ["target\(i)@example.net"], client: "unknown[203.0.113.9]", sasl: "alice")
        }
        let result = detect(log.lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.topOffenders.first == Offender(key: "alice", type: "sasl_username", count: 150))
        #expect(e.evidence == [EvidenceCount(kind: "flow.client", count: 150)])
    }

    /// Built: every message crosses a content filter (hand-off to 127.0.0.1:10024,
    /// re-injected from localhost). The hand-off is not a delivery and the
    /// re-injected copy is not a second message.
    @Test func aContentFilterHopCountsOnce() throws {
        var log = BuiltLog()
        for i in 0..<60 {
            let t = BuiltLog.at(14, 0) + Int64(i) * 5
            let q1 = qid(2 * i), q2 = qid(2 * i + 1)
            log.add(t, "mx1 postfix/smtpd[1]: \(q1): client=mail.example.net[192.0.2.20]")
            log.add(t, "mx1 postfix/qmgr[2]: \(q1): from=<s@example.net>, size=2048, nrcpt=1 (queue active)")
            log.add(t + 2, "mx1 postfix/smtp[3]: \(q1): to=<victim@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0.1/0/0/1.9, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as \(q2))")
            log.add(t + 2, "mx1 postfix/smtpd[4]: \(q2): client=localhost[127.0.0.1]")
            log.add(t + 2, "mx1 postfix/qmgr[2]: \(q2): from=<s@example.net>, size=2500, nrcpt=1 (queue active)")
            log.add(t + 3, "mx1 postfix/local[5]: \(q2): to=<victim@example.com>, relay=local, delay=3, delays=2/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)")
            log.add(t + 3, "mx1 postfix/qmgr[2]: \(q2): removed")
            log.add(t + 3, "mx1 postfix/qmgr[2]: \(q1): removed")
        }
        let (result, detectors) = detectWithStage(log.lines)
        let e = try #require(result.episodes.first)
        #expect(result.episodes.count == 1)
        #expect(e.evidence == [EvidenceCount(kind: "flow.delivery", count: 60)])
        let senders = detectors.mailbomb.tables[1]
        #expect(senders.slots.map(\.total).max() == 60)
    }
}
