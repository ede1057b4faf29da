import Foundation
import MailslaSLA

/// Settles the report period and computes the SLA figures from probe data and
/// the episodes a run found. Replay, tail's status page and `report --state`
/// share it so the three give the same figures for the same data.
public struct Agreement: Sendable {
    public var policy: SLAPolicy
    /// The report period; nil covers the calendar months of the data.
    public var period: SLAPeriod?
    public var timeZone: TimeZone

    public init(policy: SLAPolicy, period: SLAPeriod?, timeZone: TimeZone) {
        self.policy = policy
        self.period = period
        self.timeZone = timeZone
    }

    /// Fills `period`, `probes` and `sla` of the result. Without probe data only the period is set.
    public func evaluate(_ probes: ProbeData?, into result: inout ReplayResult) {
        var probeData = probes
        // The logs judge the internal flow when no probe did.
        if probeData != nil, probeData!.series["mailflow"] == nil, !result.mailflowTests.isEmpty {
            probeData!.series["mailflow"] = ProbeSeries(service: "mailflow", tests: result.mailflowTests)
        }
        if let period {
            result.period = period
        } else {
            var first = result.counters.firstTime, last = result.counters.lastTime
            if let range = probeData?.timeRange {
                first = min(first, range.first)
                last = max(last, range.last)
            }
            if first <= last { result.period = .months(coveringMicros: first, last, in: timeZone) }
        }
        guard let probeData, let period = result.period else { return }
        result.probes = probeData
        // Attack episodes become exclusion windows (the engine adds the configured margins).
        let windows = (result.episodes?.episodes ?? []).map { EpisodeWindow(id: $0.id, span: TimeSpan(start: $0.start, end: $0.end)) }
        result.sla = SLAEngine(policy: policy).evaluate(probeData, episodes: windows, period: period)
    }
}
