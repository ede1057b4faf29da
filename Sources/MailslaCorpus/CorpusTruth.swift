/// What a generated corpus contains, written next to it (`--truth FILE`) so
/// tests can compare what mailsla computes with what was really written.
///
/// Times are as the lines carry them: whole seconds for RFC 3164, microseconds
/// otherwise (`time_precision`). Messages are listed in the order their flows
/// started; `parent` is the index of the message this one came from (the
/// content filter's re-injection, a bounce notice). Later issues extend this
/// (new keys only; `schema` changes when a meaning changes).
public struct CorpusTruth: Codable, Sendable, Equatable {
    public var schema: String
    public var seed: UInt64
    public var format: String
    /// Lines (journal entries) written, in all files.
    public var lines: Int
    /// Bytes written before compression.
    public var bytes: Int
    /// The requested span, RFC 3339 UTC.
    public var spanStart: String
    public var spanEnd: String
    /// `second` for RFC 3164, `microsecond` otherwise.
    public var timePrecision: String
    public var firstTime: String?
    public var lastTime: String?
    public var firstTimeMicros: Int64?
    public var lastTimeMicros: Int64?
    /// Files oldest first (the order a rotated set is read in).
    public var files: [File]
    /// Lines per syslog tag (`SYSLOG_IDENTIFIER`).
    public var byProgram: [String: Int]
    /// Lines per host name.
    public var byHost: [String: Int]
    public var outcomes: Outcomes
    public var messages: [Message]
    public var rejects: [Reject]
    /// Injected attacks, look-alikes and probe results (ScenarioTruth.swift); nil without scenarios.
    public var attacks: [Attack]? = nil
    public var lookalikes: [Lookalike]? = nil
    public var probes: Probes? = nil
    public var incidents: [Incident]? = nil
    /// By service name, and `server`.
    public var availability: [String: Availability]? = nil

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var lines: Int
        public var bytes: Int
        public var compressed: Bool
        public var firstTime: String?
        public var lastTime: String?

        enum CodingKeys: String, CodingKey {
            case path, lines, bytes, compressed
            case firstTime = "first_time", lastTime = "last_time"
        }
    }

    /// Totals over the whole corpus.
    public struct Outcomes: Codable, Sendable, Equatable {
        /// Queue files created (every entry of `messages`).
        public var messages: Int
        /// Messages that entered the site: inbound, submission and local pickup (not re-injections or bounces).
        public var received: Int
        /// Final deliveries with status=sent (not hand-offs to the content filter).
        public var delivered: Int
        /// Delivery attempts with status=deferred.
        public var deferredAttempts: Int
        /// Recipients with status=bounced.
        public var bounced: Int
        /// Recipients returned after the last retry (`status=expired`).
        public var expired: Int
        public var bounceNotices: Int
        public var clean: Int
        public var spamPassed: Int
        public var spamBlocked: Int
        public var infected: Int
        /// `NOQUEUE: reject` lines by reason (smtpd and postscreen, PREGREET included).
        public var rejected: [String: Int]
        public var imapLogins: Int
        public var pop3Logins: Int
        public var failedLogins: Int

        enum CodingKeys: String, CodingKey {
            case messages, received, delivered, bounced, expired, clean, infected, rejected
            case deferredAttempts = "deferred_attempts", bounceNotices = "bounce_notices"
            case spamPassed = "spam_passed", spamBlocked = "spam_blocked"
            case imapLogins = "imap_logins", pop3Logins = "pop3_logins", failedLogins = "failed_logins"
        }
    }

    public struct Message: Codable, Sendable, Equatable {
        public var host: String
        public var queueID: String
        public var messageID: String
        /// inbound, reinjected, submission, local, bounce
        public var kind: String
        /// The envelope sender; empty for the null sender.
        public var from: String
        public var size: Int
        /// When the queue id was first logged (client=, pickup, or the bounce's cleanup).
        public var received: String
        public var receivedMicros: Int64
        /// When `removed` was logged; nil while it was still queued when the log ended.
        public var removed: String?
        public var removedMicros: Int64?
        public var parent: Int?
        /// amavis's verdict: none, clean, spam-passed, spam-blocked, infected.
        public var verdict: String
        public var recipients: [Recipient]

        enum CodingKeys: String, CodingKey {
            case host, kind, from, size, received, removed, parent, verdict, recipients
            case queueID = "queue_id", messageID = "message_id"
            case receivedMicros = "received_us", removedMicros = "removed_us"
        }
    }

    public struct Recipient: Codable, Sendable, Equatable {
        public var to: String
        /// sent, bounced, expired, discarded (by the filter), filtered (handed to it), pending (deferred at the end).
        public var status: String
        /// The dsn of the last attempt.
        public var dsn: String
        public var attempts: Int
        /// filter, lmtp, local, remote
        public var relay: String
    }

    public struct Reject: Codable, Sendable, Equatable {
        public var host: String
        public var time: String
        public var client: String
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case schema, seed, format, lines, bytes, files, outcomes, messages, rejects
        case attacks, lookalikes, probes, incidents, availability
        case spanStart = "span_start", spanEnd = "span_end", timePrecision = "time_precision"
        case firstTime = "first_time", lastTime = "last_time"
        case firstTimeMicros = "first_time_us", lastTimeMicros = "last_time_us"
        case byProgram = "by_program", byHost = "by_host"
    }

    public static let schemaName = "mailsla.corpus-truth/1"
}

extension CorpusTruth {
    /// The truth as compact JSON (one message per line), built without Foundation's encoder.
    public func jsonBytes() -> [UInt8] {
        var out = ByteWriter(capacity: 1 << 16 + messages.count * 300)
        var w = JSONBytes()
        w.open(&out)
        w.field("schema", schema, &out)
        w.field("seed", Int64(bitPattern: seed), unsigned: seed, &out)
        w.field("format", format, &out)
        w.field("lines", Int64(lines), &out)
        w.field("bytes", Int64(bytes), &out)
        w.field("span_start", spanStart, &out)
        w.field("span_end", spanEnd, &out)
        w.field("time_precision", timePrecision, &out)
        if let firstTime { w.field("first_time", firstTime, &out) }
        if let lastTime { w.field("last_time", lastTime, &out) }
        if let firstTimeMicros { w.field("first_time_us", firstTimeMicros, &out) }
        if let lastTimeMicros { w.field("last_time_us", lastTimeMicros, &out) }
        w.key("files", &out)
        out.append("[\n")
        for (i, file) in files.enumerated() {
            if i > 0 { out.append(",\n") }
            var o = JSONBytes()
            o.open(&out)
            o.field("path", file.path, &out)
            o.field("lines", Int64(file.lines), &out)
            o.field("bytes", Int64(file.bytes), &out)
            o.field("compressed", file.compressed, &out)
            if let t = file.firstTime { o.field("first_time", t, &out) }
            if let t = file.lastTime { o.field("last_time", t, &out) }
            o.close(&out)
        }
        out.append("]")
        w.counts("by_program", byProgram, &out)
        w.counts("by_host", byHost, &out)
        w.key("outcomes", &out)
        var o = JSONBytes()
        o.open(&out)
        o.field("messages", Int64(outcomes.messages), &out)
        o.field("received", Int64(outcomes.received), &out)
        o.field("delivered", Int64(outcomes.delivered), &out)
        o.field("deferred_attempts", Int64(outcomes.deferredAttempts), &out)
        o.field("bounced", Int64(outcomes.bounced), &out)
        o.field("expired", Int64(outcomes.expired), &out)
        o.field("bounce_notices", Int64(outcomes.bounceNotices), &out)
        o.field("clean", Int64(outcomes.clean), &out)
        o.field("spam_passed", Int64(outcomes.spamPassed), &out)
        o.field("spam_blocked", Int64(outcomes.spamBlocked), &out)
        o.field("infected", Int64(outcomes.infected), &out)
        o.counts("rejected", outcomes.rejected, &out)
        o.field("imap_logins", Int64(outcomes.imapLogins), &out)
        o.field("pop3_logins", Int64(outcomes.pop3Logins), &out)
        o.field("failed_logins", Int64(outcomes.failedLogins), &out)
        o.close(&out)
        w.key("messages", &out)
        out.append("[\n")
        for (i, m) in messages.enumerated() {
            if i > 0 { out.append(",\n") }
            var o = JSONBytes()
            o.open(&out)
            o.field("host", m.host, &out)
            o.field("queue_id", m.queueID, &out)
            o.field("message_id", m.messageID, &out)
            o.field("kind", m.kind, &out)
            o.field("from", m.from, &out)
            o.field("size", Int64(m.size), &out)
            o.field("received", m.received, &out)
            o.field("received_us", m.receivedMicros, &out)
            if let removed = m.removed { o.field("removed", removed, &out) }
            if let removed = m.removedMicros { o.field("removed_us", removed, &out) }
            if let parent = m.parent { o.field("parent", Int64(parent), &out) }
            o.field("verdict", m.verdict, &out)
            o.key("recipients", &out)
            out.append(UInt8(ascii: "["))
            for (j, r) in m.recipients.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                var ro = JSONBytes()
                ro.open(&out)
                ro.field("to", r.to, &out)
                ro.field("status", r.status, &out)
                ro.field("dsn", r.dsn, &out)
                ro.field("attempts", Int64(r.attempts), &out)
                ro.field("relay", r.relay, &out)
                ro.close(&out)
            }
            out.append(UInt8(ascii: "]"))
            o.close(&out)
        }
        out.append("]")
        w.key("rejects", &out)
        out.append("[\n")
        for (i, r) in rejects.enumerated() {
            if i > 0 { out.append(",\n") }
            var o = JSONBytes()
            o.open(&out)
            o.field("host", r.host, &out)
            o.field("time", r.time, &out)
            o.field("client", r.client, &out)
            o.field("reason", r.reason, &out)
            o.close(&out)
        }
        out.append("]")
        writeScenarioSections(&w, &out)
        w.close(&out)
        out.append(UInt8(ascii: "\n"))
        return out.bytes
    }
}

/// Writes one JSON object's members into a `ByteWriter`.
struct JSONBytes {
    private var first = true

    mutating func open(_ out: inout ByteWriter) {
        out.append(UInt8(ascii: "{"))
        first = true
    }

    func close(_ out: inout ByteWriter) { out.append(UInt8(ascii: "}")) }

    mutating func key(_ name: StaticString, _ out: inout ByteWriter) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(name)
        out.append("\":")
    }

    mutating func field(_ name: StaticString, _ value: String, _ out: inout ByteWriter) {
        key(name, &out)
        Self.string(value, &out)
    }

    mutating func field(_ name: StaticString, _ value: Int64, _ out: inout ByteWriter) {
        key(name, &out)
        out.appendDecimal(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64, unsigned: UInt64, _ out: inout ByteWriter) {
        key(name, &out)
        out.appendDecimal(unsigned)
    }

    mutating func field(_ name: StaticString, _ value: Bool, _ out: inout ByteWriter) {
        key(name, &out)
        out.append(value ? "true" : "false")
    }

    /// A name → count object, keys sorted.
    mutating func counts(_ name: StaticString, _ values: [String: Int], _ out: inout ByteWriter) {
        key(name, &out)
        out.append(UInt8(ascii: "{"))
        for (i, entry) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.string(entry.key, &out)
            out.append(UInt8(ascii: ":"))
            out.appendDecimal(entry.value)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func string(_ value: String, _ out: inout ByteWriter) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0..<0x20:
                out.append("\\u00")
                out.appendHex(UInt64(byte), digits: 2, upper: false)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
