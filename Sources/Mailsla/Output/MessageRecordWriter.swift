import MailslaCore

/// Writes per-message records (`--messages`) as JSON lines in the shape of
/// ../shared/REPORT.md.
public final class MessageRecordWriter {
    private let output: OutputFile
    private var json = JSONLineWriter()

    public init(output: OutputFile) { self.output = output }

    public func write(_ records: [MessageRecord]) throws {
        for r in records {
            json.beginObject()
            json.field("host", r.host)
            json.field("kind", r.isNotice ? "ndn" : "message")
            json.field("direction", r.direction)
            json.key("queue_ids")
            array(r.queueIDs)
            optional("message_id", r.messageID)
            optional("sender", r.sender)
            json.key("size")
            if let size = r.size { json.number(size) } else { json.null() }
            json.key("client")
            if let c = r.client {
                json.beginObject()
                optional("host", c.host)
                optional("ip", c.ip)
                optional("sasl_username", c.saslUsername)
                json.endObject()
            } else {
                json.null()
            }
            json.field("received", TimeFormat.rfc3339(micros: r.received))
            json.key("filter")
            if let f = r.filter {
                json.beginObject()
                json.field("engine", f.engine)
                optional("verdict", f.verdict)
                json.key("round_trip_seconds")
                if let trip = f.roundTripSeconds { json.decimal(trip) } else { json.null() }
                json.endObject()
            } else {
                json.null()
            }
            json.key("recipients")
            json.beginArray()
            for recipient in r.recipients {
                json.beginObject()
                json.field("address", recipient.address)
                json.field("status", recipient.status)
                json.key("attempts")
                json.beginArray()
                for a in recipient.attempts {
                    json.beginObject()
                    json.field("time", TimeFormat.rfc3339(micros: a.time))
                    json.field("status", a.status)
                    optional("relay", a.relay)
                    optional("dsn", a.dsn)
                    json.key("delay_seconds")
                    if let d = a.delaySeconds { json.decimal(d) } else { json.null() }
                    json.endObject()
                }
                json.endArray()
                json.endObject()
            }
            json.endArray()
            json.field("status", r.status.rawValue)
            json.key("finished")
            if let f = r.finished { json.string(TimeFormat.rfc3339(micros: f)) } else { json.null() }
            optional("parent", r.parent)
            json.endObject()
            json.endLine()
        }
        try output.drain(&json, atLeast: 256 * 1024)
    }

    public func flush() throws { try output.drain(&json) }

    private func optional(_ key: StaticString, _ value: String?) {
        json.key(key)
        if let value { json.string(value) } else { json.null() }
    }

    private func array(_ values: [String]) {
        json.beginArray()
        for v in values { json.string(v) }
        json.endArray()
    }
}
