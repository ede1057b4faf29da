import Foundation
import MailslaCore

/// What each rule cost in a timed run: time, tries, hits, nanoseconds per
/// try, costliest first; plus the run's throughput and, optionally, the
/// pathological-line check. Backs `mailsla rules bench`.
///
/// Per-try times include one clock read (tens of nanoseconds), so they are
/// upper bounds for cheap rules; `linesPerSecond` comes from an untimed run
/// when the caller made one.
public struct RuleCostReport: Sendable, Codable {
    public struct Rule: Sendable, Codable, Equatable {
        public var id: String
        public var file: String
        public var line: Int
        public var tries: Int
        public var hits: Int
        public var limitHits: Int
        public var nanoseconds: UInt64
        public var nanosecondsPerTry: Double
        /// Fraction of all matching time.
        public var share: Double
    }

    public var lines: Int
    public var records: Int
    /// Wall time of the untimed run (nil: none was made) and of the timed run.
    public var seconds: Double?
    public var timedSeconds: Double
    public var linesPerSecond: Double
    /// Time matching (compiled programs and PCRE2) in the timed run.
    public var matchSeconds: Double
    /// Costliest first.
    public var rules: [Rule]
    public var pathological: [PathologicalCheck.Result]?
    /// The same check per line through the whole pack (every rule of the line's program).
    public var pathologicalLines: PathologicalLines.Result?

    /// - Parameters:
    ///   - counters: from a run with `Classifier.timing` on.
    ///   - seconds: wall time of an untimed run over the same input, for `linesPerSecond`.
    public init(rules set: RuleSet, counters: ClassifierCounters, lines: Int, timedSeconds: Double, seconds: Double? = nil) {
        self.lines = lines
        records = counters.classified + counters.unmatched
        self.seconds = seconds
        self.timedSeconds = timedSeconds
        let wall = seconds ?? timedSeconds
        linesPerSecond = wall > 0 ? Double(lines) / wall : 0
        let total = counters.nanoseconds.reduce(0, +)
        matchSeconds = Double(total) / 1e9
        rules = set.rules.enumerated().map { index, rule in
            let ns = counters.nanoseconds[index]
            let tries = counters.tries[index]
            return Rule(id: rule.id, file: (rule.spec.file as NSString).lastPathComponent, line: rule.spec.line,
                        tries: tries, hits: counters.hits[index], limitHits: counters.limitHits[index], nanoseconds: ns,
                        nanosecondsPerTry: tries > 0 ? Double(ns) / Double(tries) : 0,
                        share: total > 0 ? Double(ns) / Double(total) : 0)
        }.sorted { ($0.nanoseconds, $1.id) > ($1.nanoseconds, $0.id) }
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The report for a terminal: `top` costliest rules (all when nil).
    public func text(top: Int? = nil) -> String {
        var out = ""
        if lines > 0 || records > 0 {
            out += "bench: \(lines) lines, \(records) records"
            if let seconds {
                out += String(format: " in %.3f s untimed (%.0f lines/s)", seconds, linesPerSecond)
                out += String(format: "; timed run %.3f s", timedSeconds)
            } else {
                out += String(format: " in %.3f s with timing on (%.0f lines/s)", timedSeconds, linesPerSecond)
            }
            out += String(format: "; %.3f s matching\n\n", matchSeconds)
            let shown = rules.filter { $0.tries > 0 }.prefix(top ?? Int.max)
            out += "     time ms   share      tries       hits  limit   ns/try  rule\n"
            for r in shown {
                out += CoverageReport.right(String(format: "%.3f", Double(r.nanoseconds) / 1e6), 12)
                    + CoverageReport.right(String(format: "%.1f%%", r.share * 100), 8)
                    + CoverageReport.right(r.tries, 11) + CoverageReport.right(r.hits, 11)
                    + CoverageReport.right(r.limitHits, 7) + CoverageReport.right(String(format: "%.0f", r.nanosecondsPerTry), 9)
                    + "  \(r.id)\n"
            }
            let idle = rules.filter { $0.tries == 0 }.count
            if idle > 0 { out += "(\(idle) rules were never tried: no line of their programs)\n" }
        }
        if let pathological {
            out += PathologicalCheck.text(pathological, top: top)
        }
        if let pathologicalLines { out += PathologicalLines.text(pathologicalLines) }
        return out
    }
}
