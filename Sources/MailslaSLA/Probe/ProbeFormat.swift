/// The two probe file forms. `auto` decides per source from its first non-blank
/// line: `{` starts JSON lines, anything else must be a CSV header.
public enum ProbeFormat: String, Sendable, CaseIterable {
    case auto
    /// One JSON object per line: `{"ts": …, "service": …, "ok": …, "latency_ms": …, "error": …}`.
    case jsonLines = "jsonl"
    /// A header line `ts,service,ok,latency_ms,error` (any order; ts, service, ok required), RFC 4180 quoting.
    case csv
}
