import Mailsla
import MailslaCore
import MailslaSLA

/// The report of one period built from a state database, with the same
/// `Agreement`, `ReplayReport` and `HTMLReport` as replay: the flow from the
/// stored minutes, the episodes and probe results from their tables.
///
/// What the store does not keep per period is said, not invented: the input
/// counts (`lines`, `parsed`, …) are the store's lifetime totals, and latency
/// percentiles come from per-minute means.
public struct StoredReport {
    public let store: StateStore
    public var agreement: Agreement

    public init(store: StateStore, agreement: Agreement) {
        self.store = store
        self.agreement = agreement
    }

    /// The report input for `agreement.period` (which must be set).
    public func result() throws -> ReplayResult {
        guard let period = agreement.period else { preconditionFailure("StoredReport needs a period") }
        let symbols = SymbolTable()
        let totals = try store.counters()
        var counters = InputCounters()
        counters.framing.lines = totals["lines"] ?? 0
        counters.framing.bytes = totals["bytes"] ?? 0
        counters.parsed = totals["parsed"] ?? 0
        var result = ReplayResult(counters: counters, symbols: symbols, sources: ["state: \(store.path)"], errors: [],
                                  elapsedSeconds: 0)
        let minutes = try store.flowMinutes(in: period.span)
        if let first = minutes.first?.0.minute, let last = minutes.last?.0.minute {
            result.counters.firstTime = first
            result.counters.lastTime = last + 59_999_999
        }
        result.flow = FlowHealth(minutes: minutes, rejects: try store.rejects(in: period.span), symbols: symbols)
        let found = try store.episodes(overlapping: period.span)
        result.episodes = DetectionResult(storedEpisodes: found.map(\.episode))
        let probes = try store.probeData()
        agreement.evaluate(probes.series.isEmpty ? nil : probes, into: &result)
        return result
    }
}
