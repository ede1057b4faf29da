/// All exclusion windows of a policy plus the detectors' episodes, and the
/// judgement of how much of an incident they take out of the count.
///
/// Recurring maintenance is expanded lazily for the time asked about, so the
/// calendar has no horizon and costs nothing for months not asked about.
public struct ExclusionCalendar: Sendable {
    public let policy: ExclusionPolicy
    private let fixed: [ExclusionWindow]
    private let recurring: [RecurringMaintenance]
    private let clock: ZoneClock

    public init(policy: SLAPolicy, episodes: [EpisodeWindow]) {
        self.policy = policy.exclusionPolicy
        let before = Int64(policy.episodeMargins.beforeSeconds) * 1_000_000
        let after = Int64(policy.episodeMargins.afterSeconds) * 1_000_000
        fixed = episodes.map {
            ExclusionWindow(span: TimeSpan(start: $0.span.start - before, end: $0.span.end + after), reason: .episode($0.id))
        }
            + policy.maintenance.map { ExclusionWindow(span: $0.span, reason: .maintenance($0.reason)) }
            + policy.manualExclusions.map { ExclusionWindow(span: $0.span, reason: .manual($0.reason)) }
        recurring = policy.recurringMaintenance
        clock = ZoneClock(zone: policy.timeZone)
    }

    /// Windows with an instant in the closed stretch `span`, sorted by start.
    public func windows(touching span: TimeSpan) -> [ExclusionWindow] {
        var out = fixed.filter { $0.span.window(containsAnyOf: span) }
        for r in recurring {
            out += r.occurrences(touching: span, clock: clock).map { ExclusionWindow(span: $0, reason: .maintenance(r.reason)) }
        }
        return out.sorted { ($0.span.start, $0.span.end) < ($1.span.start, $1.span.end) }
    }

    /// What the windows do to one incident.
    ///
    /// - `whole`: the incident's full run, first to last failed test, perhaps beyond the period.
    /// - `part`: the part inside the period, whose minutes this period counts.
    ///
    /// Policy `incident`: when any window touches the whole run, the part is excluded
    /// whole (the outage is one event, so a month-spanning one is excluded in both
    /// months); every touching window is a reason. Policy `overlap`: only the part's
    /// minutes under some window are excluded (overlapping windows counted once); the
    /// reasons are the windows that cover at least some of them.
    /// Each reason carries the minutes of the part its windows cover.
    public func judge(whole: TimeSpan, part: TimeSpan) -> (excludedMicros: Int64, reasons: [ExclusionMatch]) {
        let touching = windows(touching: policy == .incident ? whole : part)
        var order: [ExclusionReason] = []
        var cover: [ExclusionReason: [TimeSpan]] = [:]
        for w in touching {
            if cover[w.reason] == nil { order.append(w.reason) }
            cover[w.reason, default: []] += w.span.intersection(part).map { [$0] } ?? []
        }
        var reasons = order.map { ExclusionMatch(reason: $0, overlapMicros: SpanSet.measure(cover[$0]!)) }
        switch policy {
        case .incident:
            return (reasons.isEmpty ? 0 : part.micros, reasons)
        case .overlap:
            reasons.removeAll { $0.overlapMicros == 0 }
            return (SpanSet.measure(cover.values.flatMap { $0 }), reasons)
        }
    }
}
