// libFuzzer target: the flow correlator (with the detectors behind it) fed
// random event sequences. The input is read as operations of three bytes —
// which line, which queue id (a small alphabet, so ids collide, get reused and
// link to each other), and a time step — that build Postfix, amavis, Dovecot
// and postscreen lines in random order: client=, message-id, from=, to= with
// every status, filter hand-offs with "queued as", queued_as verdicts, bounce
// notices, removed, expiry. Operation 0xFF splices raw fuzz bytes in as a line.
// Small bounds (four open messages, 32 keys) make eviction run all the time.
// After finish, nothing may be left open and the records must add up to the
// health counters.
import Foundation
import MailslaCore
import MailslaRules
import Mailsla

private let pack: RuleSet = {
    let directory = ProcessInfo.processInfo.environment["MAILSLA_RULES"] ?? "rules"
    do { return try RuleSet(directory: directory) } catch { fatalError("fuzz: cannot load the rule pack in \(directory): \(error)") }
}()

private let ids = ["4QA1B2C3D4", "4QB2C3D4E5", "4QC3D4E5F6", "4QD4E5F6A7", "4QE5F6A7B8", "4QF6A7B8C9"]
private let clients = ["198.51.100.7", "198.51.100.8", "203.0.113.9", "2001:db8::1", "127.0.0.1"]

/// The message part of one line for operation `op` on queue id `q` with parameter `p`.
private func message(_ op: UInt8, _ q: String, _ other: String, _ p: UInt8) -> String {
    let client = clients[Int(p) % clients.count]
    let rcpt = "u\(p % 5)@example.com"
    switch op % 20 {
    case 0: return "postfix/smtpd[100]: connect from mail.example.net[\(client)]"
    case 1: return "postfix/smtpd[100]: \(q): client=mail.example.net[\(client)]"
    case 2: return "postfix/cleanup[101]: \(q): message-id=<m\(p % 3)@example.net>"
    case 3: return "postfix/qmgr[102]: \(q): from=<a@example.net>, size=\(Int(p) * 100), nrcpt=\(p % 4 + 1) (queue active)"
    case 4: return "postfix/smtp[105]: \(q): to=<\(rcpt)>, relay=mx.example.org[192.0.2.5]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F9F9F9F)"
    case 5: return "postfix/smtp[105]: \(q): to=<\(rcpt)>, relay=127.0.0.1[127.0.0.1]:10024, delay=2.5, delays=0.1/0/0.1/2.3, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as \(other))"
    case 6: return "postfix/lmtp[106]: \(q): to=<\(rcpt)>, relay=mail.example.com[/var/run/dovecot/lmtp], delay=1, delays=0.1/0/0/0.9, dsn=5.2.2, status=bounced (host mail.example.com[/var/run/dovecot/lmtp] said: 552 5.2.2 <\(rcpt)> Mailbox is full (in reply to end of DATA command))"
    case 7: return "postfix/smtp[105]: \(q): to=<\(rcpt)>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.5]:25: Connection timed out)"
    case 8: return "postfix/qmgr[102]: \(q): removed"
    case 9: return "amavis[104]: (00104-01) Passed CLEAN {RelayedInbound}, [\(client)]:4000 [\(client)] <a@example.net> -> <\(rcpt)>, Queue-ID: \(q), Message-ID: <m\(p % 3)@example.net>, mail_id: Xyz, Hits: 1.2, size: 1000, queued_as: \(other), 2100 ms"
    case 10: return "postfix/bounce[107]: \(q): sender non-delivery notification: \(other)"
    case 11: return "postfix/qmgr[102]: \(q): from=<a@example.net>, status=expired, returned to sender"
    case 12: return "postfix/10025/smtpd[103]: \(q): client=localhost[127.0.0.1]"
    case 13: return "postfix/smtpd[100]: NOQUEUE: reject: RCPT from unknown[\(client)]: 554 5.7.1 <\(rcpt)>: Relay access denied; from=<s@example.org> to=<\(rcpt)> proto=ESMTP helo=<h>"
    case 14: return "postfix/pickup[108]: \(q): uid=0 from=<root>"
    case 15: return "postfix/local[109]: \(q): to=<\(rcpt)>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)"
    case 16: return "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<\(rcpt)>, method=PLAIN, rip=\(client), lip=198.51.100.1, session=<abc\(p)>"
    case 17: return "postfix/postscreen[110]: PREGREET 11 after 0.1 from [\(client)]:40000: EHLO x\\r\\n"
    case 18: return "amavis[104]: (00104-02) Blocked SPAM {DiscardedInbound}, [\(client)]:4000 [\(client)] <a@example.net> -> <\(rcpt)>, Queue-ID: \(q), Message-ID: <m\(p % 3)@example.net>, mail_id: abc, Hits: 9.1, size: 1000, 10 ms"
    default: return "postfix/smtpd[100]: disconnect from mail.example.net[\(client)] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"
    }
}

/// Loads the pack before the first input, so its cost is not charged to an input's timeout.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    _ = pack
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlowCorrelator(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    var lines: [String] = []
    var clock = 0 // seconds after Nov 1 00:00
    var i = 0
    while i + 3 <= input.count, lines.count < 400 {
        let (op, q, p) = (input[i], input[i + 1], input[i + 2])
        i += 3
        // Time mostly creeps forward, sometimes jumps hours (sweeps, eviction by age) or steps back (two hosts).
        switch p >> 6 {
        case 0: clock += Int(p & 3)
        case 1: clock += Int(p & 0x3F) * 60
        case 2: clock += Int(p & 0x3F) * 3600
        default: clock = max(0, clock - Int(p & 7))
        }
        clock = min(clock, 28 * 86400)
        let host = q & 0x80 != 0 ? "mx2" : "mx1"
        let stamp = String(format: "Nov %2d %02d:%02d:%02d", clock / 86400 + 1, clock / 3600 % 24, clock / 60 % 60, clock % 60)
        if op == 0xFF {
            // Raw bytes as a message: up to the next LF, at most 200 bytes.
            let rest = input[i...]
            let end = rest.prefix(200).firstIndex(of: 0x0A) ?? min(input.count, i + 200)
            lines.append("\(stamp) \(host) postfix/smtpd[100]: " + String(decoding: input[i..<end], as: UTF8.self))
            i = end + 1
            continue
        }
        let queue = ids[Int(q & 0x7F) % ids.count]
        let other = ids[Int(q & 0x7F) / ids.count % ids.count]
        lines.append("\(stamp) \(host) " + message(op, queue, other, p))
    }

    let symbols = SymbolTable()
    var flow = FlowSettings()
    flow.maxMessages = 4
    flow.graceSeconds = 60
    flow.flowTimeoutSeconds = 600
    flow.maxAgeSeconds = 86400
    var detection = DetectionSettings()
    detection.maxClientKeys = 32
    detection.maxNameKeys = 32
    detection.maxEpisodes = 8
    detection.maxHotKeysPerEpisode = 4
    final class Collector { var records: [MessageRecord] = [] }
    let collector = Collector()
    let pipeline = Pipeline(symbols: symbols, rules: pack, flow: flow, detection: detection,
                            messageSink: { collector.records += $0 })
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
    var framer = LineFramer(maxLineLength: 4096, blockSize: 4096)
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    let text = Array((lines.joined(separator: "\n") + "\n").utf8)
    do {
        let batches = text.withUnsafeBytes { framer.append($0) } + [framer.takeLines(atEnd: true)]
        for framed in batches {
            parser.parse(framed, into: &batch, malformed: &malformed)
            try pipeline.process(batch)
        }
        _ = try pipeline.finish()
    } catch {
        preconditionFailure("the pipeline threw: \(error)")
    }
    let correlator = pipeline.correlator!
    precondition(correlator.openMessages == 0, "\(correlator.openMessages) messages left open after finish")
    precondition(correlator.drain().isEmpty, "records left after finish")
    let health = correlator.health
    let records = collector.records
    let notices = records.filter(\.isNotice).count
    let rejected = records.filter { !$0.isNotice && $0.status == .rejected }.count
    precondition(notices == health.ndn, "notices \(notices), health.ndn \(health.ndn)")
    precondition(records.count == notices + rejected + health.counts.values.reduce(0, +),
                 "\(records.count) records, health counts \(health.counts) + \(notices) notices + \(rejected) rejected")
    precondition(health.received == records.filter { !$0.isNotice && $0.status != .rejected && $0.countsAsReceived }.count,
                 "health.received \(health.received) disagrees with the records")
    for record in records { precondition(!record.queueIDs.isEmpty, "a record without a queue id") }
    let detect = pipeline.detectors!.result
    precondition(detect.episodes.count <= detection.maxEpisodes, "\(detect.episodes.count) episodes over the bound")
    return 0
}
