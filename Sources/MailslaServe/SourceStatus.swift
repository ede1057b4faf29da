import Mailsla

/// What one *configured* source (a file pattern of `sources.files`, or the
/// journal) has given the pipeline: the per-source figures of /metrics.
///
/// Named by the configuration, never by anything a log line says, so the
/// label set of the per-source metrics is as small as the configuration.
/// The engine keeps one per configured source and wraps each hand-over of
/// that source's lines in `count(_:_:)`.
public struct SourceStatus: Sendable, Equatable {
    /// The source as the configuration names it (`/var/log/mail.log*`, `journal`).
    public var name: String
    /// Lines (or journal entries) handed to the pipeline.
    public var linesRead = 0
    /// Of those, the ones the syslog parser understood.
    public var parsed = 0
    /// Parsed lines no rule matched.
    public var unmatched = 0
    /// Lines the parser dropped (bad timestamp, no program, …).
    public var malformed = 0
    /// How far behind the source the pipeline is, in seconds (wall clock now
    /// minus the time the last line handed over was written); nil when unknown.
    public var lagSeconds: Double?

    public init(name: String) { self.name = name }

    /// Runs `body`, which feeds this source's lines to `pipeline` (process
    /// and framing counts), and adds what the pipeline counted meanwhile.
    /// Costs four counter reads before and after: call it per batch, not per line.
    public mutating func count<T>(_ pipeline: Pipeline, _ body: () throws -> T) rethrows -> T {
        let before = Tally(pipeline)
        let value = try body()
        let after = Tally(pipeline)
        linesRead += after.lines - before.lines
        parsed += after.parsed - before.parsed
        unmatched += after.unmatched - before.unmatched
        malformed += after.malformed - before.malformed
        return value
    }

    private struct Tally {
        let lines, parsed, unmatched, malformed: Int

        init(_ p: Pipeline) {
            lines = p.counters.lines
            parsed = p.counters.parsed
            unmatched = p.classifier?.counters.unmatched ?? 0
            malformed = p.counters.malformed.total
        }
    }
}
