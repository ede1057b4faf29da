/// An outage as one period counts it: the part of a failure run inside the
/// period, and what exclusions did to it.
public struct Incident: Sendable, Equatable {
    /// First to last failed test, cut to the period.
    public var span: TimeSpan
    /// The whole run, which may reach into the neighbouring periods.
    public var run: TimeSpan
    /// Failed tests inside the period (for the server, summed over the members).
    public var failedTests: Int
    /// Minutes of `span` taken out of the count, in microseconds.
    public var excludedMicros: Int64
    /// Every window that excluded something, with the minutes it covers.
    public var reasons: [ExclusionMatch]

    public init(span: TimeSpan, run: TimeSpan, failedTests: Int, excludedMicros: Int64 = 0, reasons: [ExclusionMatch] = []) {
        self.span = span
        self.run = run
        self.failedTests = failedTests
        self.excludedMicros = excludedMicros
        self.reasons = reasons
    }

    public var excluded: Bool { !reasons.isEmpty }
    public var downtimeMinutes: Double { span.minutes }
    public var excludedMinutes: Double { Double(excludedMicros) / 60_000_000 }
    public var countedMicros: Int64 { span.micros - excludedMicros }
    /// The run began in an earlier period.
    public var startsBeforePeriod: Bool { run.start < span.start }
    /// The run goes on into a later period.
    public var endsAfterPeriod: Bool { run.end > span.end }

    /// The in-period parts of `runs`, judged by `calendar`. A part is kept when it has
    /// a failed test or a length inside the period.
    static func parts(of runs: [FailureRun], in period: TimeSpan, calendar: ExclusionCalendar) -> [Incident] {
        runs.compactMap { run in
            guard run.span.start < period.end, run.span.end >= period.start else { return nil }
            let part = TimeSpan(start: max(run.span.start, period.start), end: min(run.span.end, period.end))
            let failed = run.failures.filter { $0 >= period.start && $0 < period.end }.count
            guard failed > 0 || part.micros > 0 else { return nil }
            let judged = calendar.judge(whole: run.span, part: part)
            return Incident(span: part, run: run.span, failedTests: failed,
                            excludedMicros: judged.excludedMicros, reasons: judged.reasons)
        }
    }
}
