/// A run of consecutive failed tests long enough to be an outage, over all the
/// data (not yet cut to a period): the unit that periods split and exclusions judge.
public struct FailureRun: Sendable, Equatable {
    /// First to last failed test, closed at both ends.
    public var span: TimeSpan
    /// The times of its failed tests, sorted (the composite's may repeat a time, one per member).
    public var failures: [Int64]

    public init(span: TimeSpan, failures: [Int64]) {
        self.span = span
        self.failures = failures
    }

    /// The runs of `tests` (sorted by time) with at least `threshold` consecutive failures.
    ///
    /// A success ends a run, and so does a gap of more than twice the interval: what
    /// happened in a gap is unknown, and the agreement forbids counting it as down.
    public static func find(in tests: [ProbeTest], intervalMicros: Int64, threshold: Int) -> [FailureRun] {
        var runs: [FailureRun] = []
        var current: [Int64] = []
        var previous: Int64?
        func close() {
            if current.count >= threshold, let first = current.first, let last = current.last {
                runs.append(FailureRun(span: TimeSpan(start: first, end: last), failures: current))
            }
            current.removeAll()
        }
        for test in tests {
            if let previous, test.time - previous > 2 * intervalMicros { close() }
            if test.ok { close() } else { current.append(test.time) }
            previous = test.time
        }
        close()
        return runs
    }

    /// The composite's runs: down while any member is down, so the union of the
    /// members' runs; runs that overlap or touch become one, with all their failures.
    public static func union(_ runs: [FailureRun]) -> [FailureRun] {
        var out: [FailureRun] = []
        for run in runs.sorted(by: { ($0.span.start, $0.span.end) < ($1.span.start, $1.span.end) }) {
            if let last = out.last, run.span.start <= last.span.end {
                out[out.count - 1] = FailureRun(span: TimeSpan(start: last.span.start, end: max(last.span.end, run.span.end)),
                                                failures: (last.failures + run.failures).sorted())
            } else {
                out.append(run)
            }
        }
        return out
    }
}
