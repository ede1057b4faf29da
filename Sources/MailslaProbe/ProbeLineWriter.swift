import MailslaCore

/// Writes probe results as JSON lines in the probe format `ProbeReader` reads
/// (`{"ts", "service", "ok", "latency_ms", "error"}`), so `mailsla replay --probes`
/// and the SLA engine take them as they are.
public struct ProbeLineWriter {
    private var writer = JSONLineWriter()

    public init() {}

    /// One line per result, each ending in a newline.
    public mutating func lines(_ results: [ProbeOutcome]) -> [UInt8] {
        writer.reset()
        for result in results {
            writer.beginObject()
            writer.field("ts", TimeFormat.rfc3339(micros: result.test.time))
            writer.field("service", result.service)
            writer.key("ok")
            writer.boolean(result.test.ok)
            if let latency = result.test.latencyMs {
                writer.key("latency_ms")
                writer.decimal(latency)
            }
            writer.field("error", result.test.error)
            writer.endObject()
            writer.endLine()
        }
        return writer.buffer
    }
}
