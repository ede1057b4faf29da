import Foundation
import Testing
import MailslaCore
@testable import MailslaRules
@testable import Mailsla

// Attacker-controlled text through the whole pipeline (classify → correlate →
// detect). Each case is one session written twice: honestly, and with one
// field a stranger controls (sender, HELO, Subject, PREGREET payload, login
// name) holding text that imitates what the daemon writes. The hostile run
// must yield exactly what the honest one does — the same rule on every line,
// the same messages with the same queue ids, links and statuses, the same
// flow counters and the same episodes against the same offenders — and no
// value anywhere that only the attacker wrote (203.0.113.66, evil.example,
// FAKE…). MailslaRulesTests/HostileContentTests checks single lines; this
// checks what the stages downstream make of them.

/// What a run produced, without the texts an attacker legitimately controls
/// (sender, recipient, HELO, user names): those differ by construction.
struct PipelineOutcome: Equatable, CustomStringConvertible {
    struct Message: Equatable {
        var queueIDs: [String]
        var isNotice: Bool
        var status: String
        var recipientStatuses: [String]
        var clientIP: String?
        var filter: String?
        var parent: String?
        var size: Int?
    }
    struct EpisodeShape: Equatable {
        var kind: String
        var host: String
        var start: Int64
        var end: Int64
        /// Offending addresses and networks (names are the attacker's text).
        var offenders: [String]
        var evidence: [String]
    }
    var ruleHits: [String: Int]
    /// Events by kind: what the stages downstream consume.
    var kindHits: [String: Int]
    var unmatched: Int
    var messages: [Message]
    var flow: [String: Int]
    var episodes: [EpisodeShape]
    /// Every text value the run produced, for the forged-marker check.
    var texts: [String]

    var description: String {
        "rules \(ruleHits.sorted { $0.key < $1.key }), unmatched \(unmatched)\nmessages \(messages)\nflow \(flow)\nepisodes \(episodes)"
    }

    static func == (a: Self, b: Self) -> Bool {
        a.kindHits == b.kindHits && a.unmatched == b.unmatched && a.messages == b.messages && a.flow == b.flow && a.episodes == b.episodes
    }
}

func pipelineOutcome(_ lines: [String], detection: DetectionSettings = DetectionSettings()) -> PipelineOutcome {
    let (records, pipeline) = runPipeline(lines, detection: detection)
    let classifier = pipeline.classifier!
    var hits: [String: Int] = [:]
    var kinds: [String: Int] = [:]
    for (i, rule) in shippedRules.rules.enumerated() where classifier.counters.hits[i] > 0 {
        hits[rule.id] = classifier.counters.hits[i]
        kinds[shippedRules.kinds[Int(rule.kind)], default: 0] += classifier.counters.hits[i]
    }
    let messages = records.map { r in
        PipelineOutcome.Message(queueIDs: r.queueIDs, isNotice: r.isNotice, status: "\(r.status)",
                                recipientStatuses: r.recipients.map(\.status), clientIP: r.client?.ip,
                                filter: r.filter.map { "\($0.engine) \($0.verdict ?? "-")" }, parent: r.parent, size: r.size)
    }
    let h = pipeline.correlator!.health
    var flow = ["received": h.received, "ndn": h.ndn, "spam": h.spam, "virus": h.virus, "rejected": h.rejected,
                "partial": h.partialMessages, "evicted": h.evicted, "filterLinks": h.filterLinks, "relinked": h.relinked,
                "deferredOnce": h.deferredOnce]
    for (status, n) in h.counts { flow["status.\(status)"] = n }
    for (reason, n) in h.rejectedByReason { flow["reject.\(reason)"] = n }
    let result = pipeline.detectors!.result
    let episodes = result.episodes.map { e in
        PipelineOutcome.EpisodeShape(kind: "\(e.kind)", host: e.host, start: e.start, end: e.end,
                                     offenders: e.topOffenders.filter { $0.type == "ip" || $0.type == "network" }.map { "\($0.key)=\($0.count)" },
                                     evidence: e.evidence.map { "\($0.kind)=\($0.count)" })
    }
    var texts: [String] = []
    for r in records {
        texts += r.queueIDs + [r.sender, r.messageID, r.client?.host, r.client?.ip, r.client?.saslUsername, r.parent].compactMap { $0 }
        texts += r.recipients.flatMap { [$0.address] + $0.attempts.compactMap(\.relay) }
    }
    for e in result.episodes { texts += (e.topOffenders + e.targets).map(\.key) }
    return PipelineOutcome(ruleHits: hits, kindHits: kinds, unmatched: classifier.counters.unmatched, messages: messages, flow: flow,
                           episodes: episodes, texts: texts)
}

/// One session, honest and hostile: `line(text)` writes the session with the attacker's field set to `text`.
struct HostileSession: CustomTestStringConvertible, Sendable {
    var name: String
    var honest: String
    var forged: String
    /// False for a form the daemon never writes (an unquoted local part holding '>'): the line
    /// may then fall to a looser rule of the same event kind, so only kinds are compared.
    var daemonWrites = true
    var lines: @Sendable (String) -> [String]
    var testDescription: String { name }
}

/// "Mar 14 HH:MM:SS" for a second of the day.
private func at(_ second: Int) -> String {
    String(format: "Mar 14 %02d:%02d:%02d", second / 3600, second / 60 % 60, second % 60)
}

@Suite struct HostilePipelineTests {
    static let sessions: [HostileSession] = [
        // A sender that imitates a delivery status: Postfix quotes such a local part.
        HostileSession(name: "sender <a@b>, status=sent (250 ok), quoted as Postfix logs it",
                       honest: "a@example.net", forged: #""a@b>, status=sent (250 ok)"@example.net"#) { sender in
            [
                "\(at(36000)) mx1 postfix/smtpd[100]: 4QyC1b2Bc3z3tK1: client=mail.example.net[192.0.2.21]",
                "\(at(36000)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK1: message-id=<m1@example.net>",
                "\(at(36000)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK1: from=<\(sender)>, size=2048, nrcpt=1 (queue active)",
                "\(at(36001)) mx1 postfix/smtp[103]: 4QyC1b2Bc3z3tK1: to=<u@example.org>, relay=mx.example.org[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.20] said: 550 5.1.1 unknown user (in reply to RCPT TO command))",
                "\(at(36001)) mx1 postfix/bounce[104]: 4QyC1b2Bc3z3tK1: sender non-delivery notification: 4QyC1b2Bc3z3tK2",
                "\(at(36001)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK1: removed",
                "\(at(36001)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK2: message-id=<n1@mx1.example.com>",
                "\(at(36001)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK2: from=<>, size=3000, nrcpt=1 (queue active)",
                "\(at(36002)) mx1 postfix/smtp[103]: 4QyC1b2Bc3z3tK2: to=<\(sender)>, relay=mail.example.net[192.0.2.21]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.4.1, status=deferred (connect to mail.example.net[192.0.2.21]:25: Connection timed out)",
                "\(at(36003)) mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Relay access denied; from=<\(sender)> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
            ]
        },
        // The same sender unquoted, which Postfix never writes: still nothing forged.
        HostileSession(name: "sender <a@b>, status=sent (250 ok), raw", honest: "a@example.net",
                       forged: "a@b>, status=sent (250 ok)", daemonWrites: false) { sender in
            [
                "\(at(36000)) mx1 postfix/smtpd[100]: 4QyC1b2Bc3z3tK3: client=mail.example.net[192.0.2.21]",
                "\(at(36000)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK3: from=<a@example.net>, size=2048, nrcpt=1 (queue active)",
                "\(at(36001)) mx1 postfix/smtp[103]: 4QyC1b2Bc3z3tK3: to=<u@example.org>, relay=mx.example.org[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.20] said: 550 5.1.1 unknown user)",
                "\(at(36001)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK3: removed",
                "\(at(36003)) mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Relay access denied; from=<\(sender)> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
            ]
        },
        // A HELO holding "]: client=": sixty refusals in a minute from one client are one
        // client's flood, whatever address its HELO names.
        HostileSession(name: "HELO containing ']: client=' in a reject flood", honest: "mail.example.net",
                       forged: "x]: client=evil.example[203.0.113.66]") { helo in
            (0..<80).map { i in
                "\(at(36000 + i / 2)) mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r\(i)@example.org>: Relay access denied; from=<s@example.net> to=<r\(i)@example.org> proto=ESMTP helo=<\(helo)>"
            } + (0..<80).map { i in
                "\(at(36000 + i / 2)) mx1 postfix/smtpd[100]: connect from mail.example.net[192.0.2.21]"
            } + [
                "\(at(36100)) mx1 postfix/smtpd[100]: 4QyC1b2Bc3z3tK4: client=mail.example.net[192.0.2.21]",
                "\(at(36100)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK4: warning: header Subject: hi from mail.example.net[192.0.2.21]; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<\(helo)>",
                "\(at(36100)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK4: from=<s@example.net>, size=2048, nrcpt=1 (queue active)",
                "\(at(36101)) mx1 postfix/local[103]: 4QyC1b2Bc3z3tK4: to=<r@example.org>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
                "\(at(36101)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK4: removed",
            ]
        },
        // A Subject holding "queued as <another message's id>" in a header_checks WARNING line: the
        // two messages stay two, with no filter link between them.
        HostileSession(name: "Subject with 'queued as' naming another message", honest: "hello",
                       forged: "ok queued as 4QyC1b2Bc3z3tK6") { subject in
            [
                "\(at(36000)) mx1 postfix/smtpd[100]: 4QyC1b2Bc3z3tK5: client=mail.example.net[192.0.2.21]",
                "\(at(36000)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK5: warning: header Subject: \(subject) from mail.example.net[192.0.2.21]; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                "\(at(36000)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK5: message-id=<m5@example.net>",
                "\(at(36000)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK5: from=<s@example.net>, size=2048, nrcpt=1 (queue active)",
                "\(at(36001)) mx1 postfix/smtp[103]: 4QyC1b2Bc3z3tK5: to=<r@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok, id=1234-01, from MTA: 250 2.0.0 Ok)",
                "\(at(36001)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK5: removed",
                "\(at(36002)) mx1 postfix/smtpd[100]: 4QyC1b2Bc3z3tK6: client=other.example.net[192.0.2.30]",
                "\(at(36002)) mx1 postfix/cleanup[101]: 4QyC1b2Bc3z3tK6: message-id=<m6@example.net>",
                "\(at(36002)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK6: from=<t@example.net>, size=1024, nrcpt=1 (queue active)",
                "\(at(36003)) mx1 postfix/local[104]: 4QyC1b2Bc3z3tK6: to=<v@example.org>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
                "\(at(36003)) mx1 postfix/qmgr[102]: 4QyC1b2Bc3z3tK6: removed",
                "\(at(36004)) mx1 amavis[105]: (00105-01) Blocked SPAM {DiscardedInbound}, [192.0.2.21]:4000 [192.0.2.21] <s@example.net> -> <r@example.org>, Queue-ID: 4QyC1b2Bc3z3tK5, Message-ID: <m5@example.net>, mail_id: abc, Hits: 9.1, size: 2048, Subject: \"\(subject.replacingOccurrences(of: "queued as", with: "queued_as:"))\", 10 ms",
            ]
        },
        // A PREGREET payload that carries a fake syslog header and a client= line (postscreen
        // escapes the CR LF it sent): a pregreet flood of one client, and no message.
        HostileSession(name: "PREGREET payload with a fake syslog header", honest: #"EHLO ylmf-pc\r\n"#,
                       forged: #"\r\nMar 14 10:00:00 mx1 postfix/smtpd[1]: 4QyFAKE0000z3tK: client=evil.example[203.0.113.66]\r\nMar 14 10:00:00 mx1 postfix/postscreen[1]: PREGREET 1 after 0 from [203.0.113.66]:1: x\r\n"#) { payload in
            (0..<90).flatMap { i in
                [
                    "\(at(36000 + i / 3)) mx1 postfix/postscreen[4004]: CONNECT from [192.0.2.22]:\(40000 + i) to [198.51.100.25]:25",
                    "\(at(36000 + i / 3)) mx1 postfix/postscreen[4004]: PREGREET \(payload.utf8.count) after 0.1 from [192.0.2.22]:\(40000 + i): \(payload)",
                ]
            }
        },
        // A login name holding "rip=" in a Dovecot brute force: the attack comes from the real rip.
        HostileSession(name: "Dovecot user name containing 'rip='", honest: "evil", forged: "evil, rip=203.0.113.66") { user in
            (0..<40).map { i in
                "\(at(36000 + i * 5)) mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<\(user)>, method=PLAIN, rip=192.0.2.23, lip=198.51.100.1, session=<abcdEFGH\(1000 + i)>"
            } + (0..<40).map { i in
                "\(at(36000 + i * 5)) mx1 postfix/smtpd[100]: warning: unknown[192.0.2.24]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=\(user)"
            }
        },
    ]

    @Test(arguments: sessions) func aForgedFieldChangesNothingDownstream(_ s: HostileSession) {
        let honest = pipelineOutcome(s.lines(s.honest))
        let hostile = pipelineOutcome(s.lines(s.forged))
        #expect(hostile == honest, "honest:\n\(honest)\nhostile:\n\(hostile)")
        if s.daemonWrites { #expect(hostile.ruleHits == honest.ruleHits, "the same rule on every line") }
        // The honest session is not empty: it has events and, where built so, messages or episodes.
        #expect(!honest.ruleHits.isEmpty)
        let forgedValues = s.forged.contains("203.0.113.66") || s.forged.contains("FAKE") || s.forged.contains("queued")
        if forgedValues {
            for text in hostile.texts where text != s.forged && !s.forged.contains(text) {
                #expect(!text.contains("203.0.113.66") && !text.contains("evil.example") && !text.contains("FAKE"),
                        "a forged value reached the output: \(text)")
            }
        }
    }

    /// The sessions really exercise the stages: messages, links, rejects and episodes are there to forge.
    @Test func theHonestSessionsHaveWhatTheForgeriesTarget() {
        let outcomes = Dictionary(uniqueKeysWithValues: Self.sessions.map { ($0.name, pipelineOutcome($0.lines($0.honest))) })
        let sender = outcomes[Self.sessions[0].name]!
        #expect(sender.messages.count == 2 && sender.messages.contains { $0.isNotice } && sender.flow["rejected"] == 1)
        #expect(sender.messages.first { !$0.isNotice }?.status == "bounced")
        let helo = outcomes[Self.sessions[2].name]!
        #expect(helo.episodes.count >= 1 && helo.episodes.allSatisfy { $0.offenders.allSatisfy { $0.hasPrefix("192.0.2.") } },
                "\(helo.episodes)")
        let subject = outcomes[Self.sessions[3].name]!
        #expect(subject.messages.map(\.queueIDs) == [["4QyC1b2Bc3z3tK5"], ["4QyC1b2Bc3z3tK6"]], "\(subject.messages)")
        let pregreet = outcomes[Self.sessions[4].name]!
        #expect(pregreet.messages.isEmpty && !pregreet.episodes.isEmpty, "\(pregreet)")
        let rip = outcomes[Self.sessions[5].name]!
        #expect(rip.episodes.contains { $0.offenders.contains { $0.hasPrefix("192.0.2.23") } }, "\(rip.episodes)")
    }
}

/// Numbers no daemon writes but a corrupt or forged line can hold. Found by Fuzz/FuzzRuleEngine:
/// `delay=` of 30 digits trapped in `EventFields.formatSeconds` (rules explain, --events); the same
/// digits in a filter hand-off's `delays=` overflowed the correlator's conversion to microseconds.
@Suite struct AbsurdNumberTests {
    static let handOff = "Nov  3 10:00:03 mx1 postfix/smtp[105]: 1A2B3C4D5E: to=<u1@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=999999999999999999999999999999, delays=0.1/0/999999999999999999999999999999/999999999999999999999999999999, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 2B3C4D5E6F)"

    @Test func aThirtyDigitDelayIsWrittenNotTrapped() {
        #expect(EventFields.formatSeconds(1e30) == "1e+30")
        #expect(EventFields.formatSeconds(.infinity) == "inf")
        #expect(EventFields.formatSeconds(30) == "30" && EventFields.formatSeconds(0.12) == "0.12")
    }

    @Test func aHandOffWithAbsurdDelaysStillLinks() throws {
        let lines = [
            "Nov  3 10:00:01 mx1 postfix/smtpd[100]: 1A2B3C4D5E: client=mail.example.net[198.51.100.7]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[102]: 1A2B3C4D5E: from=<a@example.net>, size=1000, nrcpt=1 (queue active)",
            Self.handOff,
            "Nov  3 10:00:03 mx1 postfix/qmgr[102]: 1A2B3C4D5E: removed",
            "Nov  3 10:00:03 mx1 postfix/10025/smtpd[103]: 2B3C4D5E6F: client=localhost[127.0.0.1]",
            "Nov  3 10:00:03 mx1 postfix/qmgr[102]: 2B3C4D5E6F: from=<a@example.net>, size=1500, nrcpt=1 (queue active)",
            "Nov  3 10:00:04 mx1 postfix/lmtp[106]: 2B3C4D5E6F: to=<u1@example.com>, relay=mail.example.com[/var/run/dovecot/lmtp], delay=1, delays=0.1/0/0/0.9, dsn=2.0.0, status=sent (250 2.0.0 <u1@example.com> abc Saved)",
            "Nov  3 10:00:04 mx1 postfix/qmgr[102]: 2B3C4D5E6F: removed",
        ]
        let (records, health) = correlate(lines)
        let record = try #require(records.first)
        #expect(records.count == 1 && record.queueIDs == ["1A2B3C4D5E", "2B3C4D5E6F"] && record.status == .delivered)
        #expect(health.filterLinks == 1)
        // The event's fields resolve too (what rules explain and --events print).
        let m = pipelineOutcome([Self.handOff])
        #expect(m.ruleHits.values.reduce(0, +) == 1)
    }
}
