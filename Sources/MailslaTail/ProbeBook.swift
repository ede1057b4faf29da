import Mailsla
import MailslaSLA
import MailslaStore

/// The probe results the engine holds for the SLA figures: those the store
/// had at start and those accepted since, one per service and instant (a
/// later duplicate is dropped, as the store's key drops it). Results accepted
/// since the last checkpoint wait in `pending` for the next one.
struct ProbeBook {
    private var tests: [String: [Int64: ProbeTest]] = [:]
    private(set) var pending: [StoredProbeResult] = []
    private(set) var duplicates = 0

    init(stored: ProbeData) {
        for (service, series) in stored.series {
            for test in series.tests { tests[service, default: [:]][test.time] = test }
        }
    }

    /// Takes the results not held yet; returns how many.
    @discardableResult
    mutating func accept(_ results: [StoredProbeResult]) -> Int {
        var accepted = 0
        for result in results {
            if tests[result.service]?[result.test.time] != nil {
                duplicates += 1
                continue
            }
            tests[result.service, default: [:]][result.test.time] = result.test
            pending.append(result)
            accepted += 1
        }
        return accepted
    }

    /// Hands the pending results to a checkpoint.
    mutating func takePending() -> [StoredProbeResult] {
        defer { pending = [] }
        return pending
    }

    /// Puts results back after a failed checkpoint.
    mutating func giveBack(_ results: [StoredProbeResult]) { pending = results + pending }

    /// Everything held, as the SLA engine takes it; nil without any result.
    var data: ProbeData? {
        guard !tests.isEmpty else { return nil }
        return ProbeData(series: tests.map { ProbeSeries(service: $0.key, tests: Array($0.value.values)) })
    }
}

extension StoredIncident {
    /// The incidents of an SLA result, per service and for the composite server, as the store keeps them.
    static func all(in sla: SLAResult) -> [StoredIncident] {
        (sla.services + [sla.server]).flatMap { service in
            service.incidents.map { i in
                StoredIncident(service: service.name, start: i.span.start, end: i.span.end, failedTests: i.failedTests,
                               excludedMicros: i.excludedMicros, reasons: i.reasons.map { "\($0.reason)" })
            }
        }
    }
}
