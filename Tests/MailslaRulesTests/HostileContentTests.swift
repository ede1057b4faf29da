import Foundation
import Testing
import MailslaCore
@testable import MailslaRules

// Attacker-controlled text in real log lines: a sender or recipient, a HELO
// name, a header or Subject, a PREGREET payload, a login name. Each built
// line below is what the daemon would write when a client sends such text;
// the pack must yield the event the daemon meant, with the daemon's values,
// and never a kind or a field value that only the attacker wrote. Forged
// values use markers the real parts never hold: 203.0.113.66 / evil.example
// for addresses, FAKE… or 4QyFAKE… for queue ids, status=sent where the
// daemon wrote bounced.

/// One line classified with the shipped pack, with the classifier's PCRE2
/// limit hits: zero means every rule ran to its verdict (a pattern that
/// would run away stops at the match limit and counts one). Works on raw
/// bytes (binary garbage). How long a hostile line takes is measured by
/// `mailsla rules bench --strict` (`PathologicalLines`) in release builds,
/// not here.
struct MeasuredClassification {
    var result: Classified
    var limitHits: Int
}

func classifyMeasured(_ line: [UInt8], pack: RuleSet = agreementPack) -> MeasuredClassification {
    let symbols = SymbolTable()
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
    var classifier = Classifier(rules: pack, symbols: symbols)
    let outcome = line.withUnsafeBufferPointer { parser.parse($0) }
    guard case .record(let record) = outcome else {
        return MeasuredClassification(result: Classified(parsed: false, fields: [:]), limitHits: 0)
    }
    let batch = RecordBatch(bytes: line, records: [record])
    var events = EventBatch()
    classifier.classify(batch, into: &events)
    var result = Classified(parsed: true, program: symbols.name(record.program), fields: [:])
    if let event = events.events.first {
        result.rule = pack.rules[Int(event.rule)].id
        result.kind = pack.kinds[Int(event.kind)]
        let fields = EventFields.resolve(event, in: events, bytes: line, rules: pack, matcher: classifier.matcher)
        result.fields = Dictionary(fields, uniquingKeysWith: { first, _ in first })
    }
    return MeasuredClassification(result: result, limitHits: classifier.counters.limitHits.reduce(0, +))
}

struct HostileCase: CustomTestStringConvertible, Sendable {
    var name: String
    var line: String
    /// The rule that must match (the daemon's event), or nil for "no event".
    var rule: String?
    /// Fields that must hold the daemon's value.
    var fields: [String: String] = [:]
    /// Fields that must be absent (the only value on the line is forged).
    var absent: [String] = []
    var testDescription: String { name }
}

@Suite struct HostileContentTests {
    static let cases: [HostileCase] = [
        // A sender or recipient that carries a forged status tail. Postfix
        // quotes a local part holding '>' (quote_822_local), so that is the
        // real form; the raw form is tested too.
        HostileCase(name: "recipient with a forged status (quoted, as Postfix logs it)",
                    line: #"Mar 14 08:00:00 mx1 postfix/smtp[4000]: 4QyC1b2Bc3z3tK1: to=<"a@b>, status=sent (250 ok)"@example.com>, relay=mx.example.com[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.20] said: 550 5.1.1 unknown user (in reply to RCPT TO command))"#,
                    rule: "postfix.delivery.status",
                    fields: ["status": "bounced", "dsn": "5.1.1", "relay_ip": "192.0.2.20", "recipient": #""a@b>, status=sent (250 ok)"@example.com"#],
                    absent: ["new_queue_id"]),
        HostileCase(name: "recipient with a forged status (raw)",
                    line: "Mar 14 08:00:00 mx1 postfix/smtp[4000]: 4QyC1b2Bc3z3tK2: to=<a@b>, status=sent (250 ok)>, relay=mx.example.com[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.20] said: 550 5.1.1 unknown user)",
                    rule: nil),
        HostileCase(name: "recipient with a forged hand-off",
                    line: #"Mar 14 08:00:00 mx1 postfix/amavis/smtp[4000]: 4QyC1b2Bc3z3tK3: to=<"x (queued as FAKE0000001)"@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=4.4.2, status=deferred (lost connection with 127.0.0.1[127.0.0.1] while sending end of data -- message may be sent more than once)"#,
                    rule: "postfix.delivery.status", fields: ["status": "deferred"], absent: ["new_queue_id"]),
        HostileCase(name: "sender with a forged size in qmgr",
                    line: #"Mar 14 08:00:00 mx1 postfix/qmgr[4001]: 4QyC1b2Bc3z3tK4: from=<"a@b>, size=1, nrcpt=99 (queue active)"@example.com>, size=2048, nrcpt=1 (queue active)"#,
                    rule: "postfix.qmgr.queued", fields: ["size": "2048", "nrcpt": "1"]),
        HostileCase(name: "sender with a forged status in an smtpd reject",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Relay access denied; from=<a@b>, status=sent (250 ok)> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                    rule: "postfix.smtpd.reject_cut", fields: ["client_ip": "192.0.2.21", "reason": "relay_denied"],
                    absent: ["sender", "recipient", "status"]),
        HostileCase(name: "a second to=<…> in an smtpd reject",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Relay access denied; from=<s@example.net> to=<r@example.org> to=<victim@example.org> proto=ESMTP helo=<h>",
                    rule: "postfix.smtpd.reject_cut", fields: ["client_ip": "192.0.2.21"], absent: ["recipient"]),
        HostileCase(name: "a second to=<…> in a delivery line",
                    line: "Mar 14 08:00:00 mx1 postfix/smtp[4000]: 4QyC1b2Bc3z3tK5: to=<a@example.com>, to=<victim@example.org>, relay=mx.example.com[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
                    rule: nil),
        HostileCase(name: "a HELO that ends the envelope early and adds a to=<…>",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject_warning: RCPT from mail.example.net[192.0.2.21]: 450 4.1.8 <a@example.com>: Sender address rejected: Domain not found; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<x> to=<victim@example.org>>",
                    rule: nil),
        // A HELO holding "]: client=": it stays the HELO.
        HostileCase(name: "HELO containing ']: client='",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Relay access denied; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<x]: client=evil.example[203.0.113.66]>",
                    rule: "postfix.smtpd.reject",
                    fields: ["client_ip": "192.0.2.21", "client_host": "mail.example.net", "helo": "x]: client=evil.example[203.0.113.66]", "sender": "s@example.net"]),
        HostileCase(name: "HELO containing ']: client=' in postscreen enforce mode",
                    line: "Mar 14 08:00:00 mx1 postfix/postscreen[4004]: NOQUEUE: reject: RCPT from [192.0.2.22]:40000: 550 5.7.1 Service unavailable; client [192.0.2.22] blocked using zen.example.org; from=<s@example.net>, to=<r@example.org>, proto=ESMTP, helo=<x]: client=evil.example[203.0.113.66]>",
                    rule: "postfix.postscreen.reject", fields: ["client_ip": "192.0.2.22", "reason": "rbl"]),
        HostileCase(name: "pipelined text that imitates a client= line",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: improper command pipelining after EHLO from mail.example.net[192.0.2.21]: 4QyFAKE0000z3tK: client=evil.example[203.0.113.66]",
                    rule: "postfix.smtpd.pipelining", fields: ["client_ip": "192.0.2.21", "stage": "EHLO"], absent: ["queue_id"]),
        HostileCase(name: "SASL user name that imitates orig_client",
                    line: "Mar 14 08:00:00 mx1 postfix/submission/smtpd[4002]: 4QyC1b2Bc3z3tK6: client=mail.example.net[192.0.2.21], sasl_method=PLAIN, sasl_username=x, orig_queue_id=4QyFAKE0000z3tK, orig_client=evil.example[203.0.113.66]",
                    rule: "postfix.smtpd.client", fields: ["client_ip": "192.0.2.21", "queue_id": "4QyC1b2Bc3z3tK6"],
                    absent: ["orig_client_ip", "orig_client_host", "parent_queue_id"]),
        // A Subject (header check) or amavis Subject holding "queued as".
        HostileCase(name: "Subject with 'queued as' in a header check",
                    line: "Mar 14 08:00:00 mx1 postfix/cleanup[4003]: 4QyC1b2Bc3z3tK7: warning: header Subject: ok queued as FAKE0000001 from mail.example.net[192.0.2.21]; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                    rule: "postfix.cleanup.check_action", fields: ["queue_id": "4QyC1b2Bc3z3tK7"], absent: ["new_queue_id", "sender", "client_ip"]),
        HostileCase(name: "Subject with 'queued_as:' after the real one in amavis",
                    line: #"Mar 14 08:00:00 mx1 amavis[4005]: (04005-01) Passed CLEAN {RelayedInbound}, [192.0.2.24]:4000 [192.0.2.24] <s@example.net> -> <r@example.org>, Queue-ID: 4QyC1b2Bc3z3tK8, Message-ID: <m@example.net>, mail_id: abc, Hits: 1.1, size: 1000, queued_as: 4QyC1b2Bc3z3tK9, Subject: "x, queued_as: 4QyFAKE0000z3tK", 10 ms"#,
                    rule: "amavis.verdict", fields: ["new_queue_id": "4QyC1b2Bc3z3tK9", "queue_id": "4QyC1b2Bc3z3tK8"]),
        HostileCase(name: "Subject with 'queued_as:' on a blocked message",
                    line: #"Mar 14 08:00:00 mx1 amavis[4005]: (04005-02) Blocked SPAM {DiscardedInbound}, [192.0.2.24]:4000 [192.0.2.24] <s@example.net> -> <r@example.org>, Queue-ID: 4QyC1b2Bc3z3tKB, Message-ID: <m@example.net>, mail_id: abc, Hits: 9.1, size: 1000, Subject: "x, queued_as: 4QyFAKE0000z3tK", 10 ms"#,
                    rule: "amavis.verdict", fields: ["verdict": "spam", "queue_id": "4QyC1b2Bc3z3tKB"], absent: ["new_queue_id"]),
        HostileCase(name: "Message-ID that imitates Hits and queued_as",
                    line: "Mar 14 08:00:00 mx1 amavis[4005]: (04005-03) Passed CLEAN {RelayedInbound}, [192.0.2.24]:4000 [192.0.2.24] <s@example.net> -> <r@example.org>, Message-ID: <x>, Hits: 1, size: 1, queued_as: 4QyFAKE0000z3tK>, Hits: 2.9, size: 5000, queued_as: 4QyC1b2Bc3z3tKC, 10 ms",
                    rule: "amavis.verdict_short", fields: ["verdict": "clean"], absent: ["new_queue_id", "size", "score"]),
        // A PREGREET payload: postscreen escapes control bytes, so a newline
        // arrives as the text \r\n; a fake syslog header after it stays payload.
        HostileCase(name: "PREGREET payload with a fake syslog header",
                    line: #"Mar 14 08:00:00 mx1 postfix/postscreen[4004]: PREGREET 90 after 0.1 from [192.0.2.22]:40000: \r\nMar 14 08:00:00 mx1 postfix/smtpd[1]: 4QyFAKE0000z3tK: client=evil.example[203.0.113.66]\r\n"#,
                    rule: "postfix.postscreen.pregreet", fields: ["client_ip": "192.0.2.22", "client_port": "40000", "size": "90"],
                    absent: ["queue_id"]),
        HostileCase(name: "PREGREET payload with a raw newline inside the record",
                    line: "Mar 14 08:00:00 mx1 postfix/postscreen[4004]: PREGREET 90 after 0.1 from [192.0.2.22]:40000: EHLO x\nMar 14 08:00:00 mx1 postfix/smtpd[1]: 4QyFAKE0000z3tK: client=evil.example[203.0.113.66]",
                    rule: "postfix.postscreen.pregreet", fields: ["client_ip": "192.0.2.22"], absent: ["queue_id"]),
        HostileCase(name: "non-SMTP command that imitates a SASL failure",
                    line: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: warning: non-SMTP command from mail.example.net[192.0.2.21]: warning: evil.example[203.0.113.66]: SASL LOGIN authentication failed: x",
                    rule: "postfix.smtpd.non_smtp_command", fields: ["client_ip": "192.0.2.21"]),
        // Login names holding "rip=".
        HostileCase(name: "Dovecot user name containing 'rip='",
                    line: "Mar 14 08:00:00 mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<evil, rip=203.0.113.66>, method=PLAIN, rip=192.0.2.23, lip=198.51.100.1, session=<abcdEFGH1234ijkl>",
                    rule: "dovecot.login.auth_failed", fields: ["client_ip": "192.0.2.23", "server_ip": "198.51.100.1", "user": "evil, rip=203.0.113.66"]),
        HostileCase(name: "Dovecot user name that closes the brackets and brings a whole tail",
                    line: "Mar 14 08:00:00 mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<evil>, rip=203.0.113.66, lip=198.51.100.9, session=<x>>, method=PLAIN, rip=192.0.2.23, lip=198.51.100.1, session=<abcdEFGH1234ijkl>",
                    rule: "dovecot.login.auth_failed", fields: ["client_ip": "192.0.2.23", "server_ip": "198.51.100.1", "session": "abcdEFGH1234ijkl"]),
        HostileCase(name: "Dovecot successful login whose user name imitates another address",
                    line: "Mar 14 08:00:00 mx1 dovecot: imap-login: Login: user=<a@example.com>, method=PLAIN, rip=203.0.113.66, lip=198.51.100.9, mpid=1, session=<x>>, method=PLAIN, rip=192.0.2.23, lip=198.51.100.1, mpid=2, TLS, session=<abcdEFGH1234ijkl>",
                    rule: "dovecot.login.success", fields: ["client_ip": "192.0.2.23", "session": "abcdEFGH1234ijkl"]),
        HostileCase(name: "passdb user name holding a second address",
                    line: "Mar 14 08:00:00 mx1 dovecot: auth-worker(304): pam(x,203.0.113.66,192.0.2.23): unknown user",
                    rule: nil),
        HostileCase(name: "PAM ruser holding rhost=",
                    line: "Mar 14 08:00:00 mx1 dovecot-auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost=203.0.113.66 rhost=192.0.2.23",
                    rule: "dovecot.pam_unix.failure", fields: ["client_ip": "192.0.2.23"]),
        HostileCase(name: "SPF HELO that imitates the client address",
                    line: "Mar 14 08:00:00 mx1 policyd-spf[4006]: prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.25; helo=x;client-ip=203.0.113.66; envelope-from=a@example.org; receiver=<UNKNOWN>",
                    rule: nil),
    ]

    @Test(arguments: cases) func hostileTextForgesNothing(_ c: HostileCase) {
        let m = classifyMeasured(Array(c.line.utf8))
        let r = m.result
        #expect(r.parsed, "the line must parse")
        #expect(r.rule == c.rule, "\(r)")
        for (field, value) in c.fields.sorted(by: { $0.key < $1.key }) {
            #expect(r[field] == value, "field \(field): \(r)")
        }
        for field in c.absent { #expect(r[field] == nil, "field \(field) must be absent: \(r)") }
        // No field anywhere holds a forged marker.
        for (field, value) in r.fields {
            #expect(!value.hasPrefix("203.0.113.66") && value != "evil.example" && !value.hasPrefix("FAKE")
                    && !value.hasPrefix("4QyFAKE") || ["helo", "user", "recipient", "sender", "sasl_username"].contains(field),
                    "forged value in \(field): \(r)")
        }
        #expect(m.limitHits == 0, "\(m.limitHits) match-limit hits")
    }

    /// Programs whose rules see attacker bytes; a garbage message must give no event.
    static let programs = ["postfix/smtpd", "postfix/postscreen", "postfix/smtp", "postfix/qmgr", "postfix/cleanup",
                           "postfix/submission/smtpd", "amavis", "dovecot", "imap-login", "spamd", "policyd-spf", "postfix/anvil"]

    @Test func aLineOf64KiBOfAIsSilentAndBounded() {
        for program in Self.programs {
            let line = Array("Mar 14 08:00:00 mx1 \(program)[4000]: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 65536)
            let m = classifyMeasured(line)
            #expect(m.result.parsed && m.result.kind == nil, "\(program): \(m.result)")
            #expect(m.limitHits == 0, "\(program): \(m.limitHits) match-limit hits")
        }
    }

    @Test func binaryGarbageIsSilentAndBounded() {
        var state: UInt64 = 0x6761_7262_6167_65 // "garbage": the same bytes on every run
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let b = UInt8(truncatingIfNeeded: state >> 56)
            return b == 0x0A ? 0x20 : b
        }
        for program in Self.programs {
            for length in [1, 64, 4096, 65536] {
                let garbage = (0..<length).map { _ in next() }
                let line = Array("Mar 14 08:00:00 mx1 \(program)[4000]: ".utf8) + garbage
                let m = classifyMeasured(line)
                #expect(m.result.kind == nil, "\(program) \(length) bytes: \(m.result)")
                #expect(m.limitHits == 0, "\(program) \(length) bytes: \(m.limitHits) match-limit hits")
            }
        }
        // Garbage after the daemon's own words: a real verdict with a binary tail
        // is still the daemon's event, with the daemon's client.
        let pregreet = Array("Mar 14 08:00:00 mx1 postfix/postscreen[4004]: PREGREET 4096 after 0 from [192.0.2.22]:40000: ".utf8)
            + (0..<4096).map { _ in next() }
        let m = classifyMeasured(pregreet)
        #expect(m.result.rule == "postfix.postscreen.pregreet" && m.result["client_ip"] == "192.0.2.22", "\(m.result)")
    }

    // The reject-family rules read the reply text up to the envelope tail. A
    // long text (a padded reason, HELO or address) must still classify in
    // bounded time: no PCRE2 match-limit hit, the daemon's fields read.
    struct LongLine: CustomTestStringConvertible, Sendable {
        var rule: String
        var head: String
        var tail: String
        var fields: [String: String]
        var testDescription: String { rule }
    }

    static let pad = String(repeating: "a", count: 61_440) // 60 KiB

    static let longLines: [LongLine] = [
        LongLine(rule: "postfix.smtpd.reject",
                 head: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 <r@example.org>: Recipient address rejected: ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["client_ip": "192.0.2.21", "sender": "s@example.net", "recipient": "r@example.org", "helo": "mail.example.net"]),
        LongLine(rule: "postfix.smtpd.milter_reject",
                 head: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: 4QyC1b2Bc3z3tKD: milter-reject: END-OF-MESSAGE from mail.example.net[192.0.2.21]: 5.7.1 ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["client_ip": "192.0.2.21", "queue_id": "4QyC1b2Bc3z3tKD", "recipient": "r@example.org"]),
        LongLine(rule: "postfix.smtpd.proxy_reject",
                 head: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: proxy-reject: END-OF-MESSAGE: 554 5.7.0 ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["stage": "END-OF-MESSAGE", "sender": "s@example.net"]),
        LongLine(rule: "postfix.smtpd.access_action",
                 head: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: filter: RCPT from mail.example.net[192.0.2.21]: <s@example.net>: Sender address triggers FILTER ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["action": "filter", "client_ip": "192.0.2.21", "recipient": "r@example.org"]),
        LongLine(rule: "postfix.smtpd.reject_warning",
                 head: "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject_warning: RCPT from mail.example.net[192.0.2.21]: 450 4.7.1 <r@example.org>: Recipient address rejected: ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["client_ip": "192.0.2.21", "recipient": "r@example.org"]),
        LongLine(rule: "postfix.cleanup.milter_reject",
                 head: "Mar 14 08:00:00 mx1 postfix/cleanup[4003]: 4QyC1b2Bc3z3tKF: milter-reject: END-OF-MESSAGE from mail.example.net[192.0.2.21]: 5.7.1 ",
                 tail: "; from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<mail.example.net>",
                 fields: ["client_ip": "192.0.2.21", "queue_id": "4QyC1b2Bc3z3tKF", "sender": "s@example.net"]),
    ]

    @Test(arguments: longLines) func a60KiBRejectLineStillClassifies(_ l: LongLine) {
        // The same 60 KiB in three places: the reply text (with ';' in it), the HELO, the recipient.
        let texts = [
            l.head + Self.pad.prefix(30_000) + "; " + Self.pad.prefix(30_000) + l.tail,
            l.head + "x" + l.tail.replacingOccurrences(of: "helo=<mail.example.net>", with: "helo=<\(Self.pad)>"),
            l.head + "x" + l.tail.replacingOccurrences(of: "to=<r@example.org>", with: "to=<\(Self.pad)@example.org>"),
        ]
        for (index, text) in texts.enumerated() {
            let m = classifyMeasured(Array(text.utf8))
            #expect(text.utf8.count > 60_000)
            #expect(m.result.rule == l.rule, "variant \(index): \(m.result.rule ?? "none") (limit hits \(m.limitHits))")
            #expect(m.limitHits == 0, "variant \(index): \(m.limitHits) match-limit hits")
            for (field, value) in l.fields where !(index == 1 && field == "helo") && !(index == 2 && field == "recipient") {
                #expect(m.result[field] == value, "variant \(index) field \(field): \(m.result[field]?.prefix(80) ?? "nothing")")
            }
        }
    }

    // `rules bench` found these six rules hitting the PCRE2 match limit on
    // their own example padded to 32 KiB (the reply text was read lazily up
    // to the last "; "): such a line went unclassified. Now the text is one
    // possessive pass, and a reject or milter reject whose tail is garbled
    // still counts through the *_cut rules.
    static let paddedRules: [(rule: String, expected: String?)] = [
        ("postfix.smtpd.reject", "postfix.smtpd.reject_cut"),
        ("postfix.smtpd.milter_reject", "postfix.smtpd.milter_reject_cut"),
        ("postfix.cleanup.milter_reject", "postfix.cleanup.milter_reject_cut"),
        ("postfix.smtpd.proxy_reject", nil),
        ("postfix.smtpd.access_action", nil),
        ("postfix.smtpd.reject_warning", nil),
    ]

    @Test(arguments: paddedRules.map(\.rule)) func aPaddedExampleOfTheSixRulesIsBounded(_ id: String) throws {
        let rule = try #require(agreementPack.rules.first { $0.id == id })
        let example = try #require(rule.spec.examples.first).line.text
        let line = example + String(repeating: "a", count: 61_440)
        let m = classifyMeasured(Array(line.utf8))
        #expect(m.limitHits == 0, "\(id): \(m.limitHits) match-limit hits")
        #expect(m.result.rule == Self.paddedRules.first { $0.rule == id }!.expected, "\(id): got \(m.result.rule ?? "none")")
    }

    @Test func noRuleOfThePackHitsTheMatchLimitOn60KiBLines() {
        let results = PathologicalCheck.run(rules: agreementPack, length: 61_440, repeats: 1)
        let limited = results.filter { $0.subjects.contains { $0.outcome == "limit" } }.map(\.id)
        #expect(limited == [], "rules that hit the match limit: \(limited)")
    }

    // Many ';' in the text (an attacker's address full of them): the tail is
    // still found; past the match limit the line falls to reject_cut, which
    // still counts the refusal with the daemon's client.
    @Test func aRejectTextFullOfSemicolonsStaysAReject() {
        for count in [100, 5_000, 20_000] {
            let line = "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.21]: 554 5.7.1 Service unavailable; "
                + String(repeating: "x; ", count: count) + "from=<s@example.net> to=<r@example.org> proto=ESMTP helo=<h>"
            let m = classifyMeasured(Array(line.utf8))
            #expect(m.result.kind == "flow.reject" && m.result["client_ip"] == "192.0.2.21", "\(count): \(m.result)")
            #expect(m.result["sender"] == nil || m.result["sender"] == "s@example.net")
        }
    }
}
