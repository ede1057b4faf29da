import Foundation
import MailslaCore
import MailslaSLA

/// The `services`, `server` and `sla` sections of the report contract
/// (../shared/REPORT.md) for one SLA result, and the same figures as text.
///
/// Keys follow the contract in its order; a few extra keys carry what an
/// auditor needs to check a figure (no-data stretches, the whole run of an
/// incident cut at the period's edge, each reason's minutes, the exclusion
/// windows of the period). Times are RFC 3339 UTC; minutes are decimals.
public struct SLAReportSection {
    public let result: SLAResult
    /// The probe input's counts, for `probeInputJSON` and the text's problem list.
    public let probes: ProbeData?
    /// Up to this many no-data gaps of a service are listed one per line in the text.
    static let noDataListed = 5

    public init(result: SLAResult, probes: ProbeData? = nil) {
        self.result = result
        self.probes = probes
    }

    /// `services`, `server` and `sla`, in contract order, to append to the report's members.
    public func members() -> [(String, JSONValue)] {
        [
            ("services", .object(result.services.map { ($0.name, serviceJSON($0)) })),
            ("server", serviceJSON(result.server)),
            ("sla", slaJSON()),
        ]
    }

    /// The three sections as one object.
    public func json() -> JSONValue { .object(members()) }

    /// Counts of the probe input, for the report's `input` section (say under `probes`).
    public func probeInputJSON() -> JSONValue? {
        guard let probes else { return nil }
        let c = probes.counts
        return .object([
            ("lines", .int(c.lines)),
            ("accepted", .int(c.accepted)),
            ("headers", .int(c.headers)),
            ("blank_lines", .int(c.blankLines)),
            ("malformed", .int(c.malformedTotal)),
            ("malformed_by_reason", .object(ProbeLineProblem.allCases.compactMap { p in
                c.malformed[p].map { (p.rawValue, .int($0)) }
            })),
            ("duplicates", .int(c.duplicates)),
            ("conflicting_duplicates", .int(c.conflictingDuplicates)),
            ("out_of_order", .int(c.outOfOrder)),
            ("unknown_services", .array(probes.unknownServices.map { .string($0) })),
            ("notices", .array(probes.notices.map { .string($0.description) })),
        ])
    }

    // MARK: JSON

    private func serviceJSON(_ s: ServiceAvailability) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if !s.members.isEmpty { members.append(("members", .array(s.members.map { .string($0) }))) }
        members += [
            ("tests", .int(s.tests)),
            ("failed_tests", .int(s.failedTests)),
            ("no_data_minutes", .double(s.noDataMinutes)),
            ("incidents", .array(s.incidents.map(incidentJSON))),
            ("downtime_minutes", .double(s.downtimeMinutes)),
            ("excluded_minutes", .double(s.excludedMinutes)),
            ("counted_downtime_minutes", .double(s.countedDowntimeMinutes)),
            ("raw_availability", .double(s.rawAvailability)),
            ("availability", .double(s.availability)),
            ("no_data", .array(s.noData.map { spanJSON($0) })),
            ("duplicate_tests", .int(s.duplicates)),
            ("out_of_order_tests", .int(s.outOfOrder)),
        ]
        return .object(members)
    }

    private func incidentJSON(_ i: Incident) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("start", .string(time(i.span.start))),
            ("end", .string(time(i.span.end))),
            ("failed_tests", .int(i.failedTests)),
            ("downtime_minutes", .double(i.downtimeMinutes)),
            ("excluded", .bool(i.excluded)),
            ("excluded_minutes", .double(i.excludedMinutes)),
            ("reasons", .array(i.reasons.map { .object([($0.reason.kind, .string($0.reason.detail)),
                                                         ("overlap_minutes", .double($0.overlapMinutes))]) })),
        ]
        if i.startsBeforePeriod { members.append(("run_start", .string(time(i.run.start)))) }
        if i.endsAfterPeriod { members.append(("run_end", .string(time(i.run.end)))) }
        return .object(members)
    }

    private func slaJSON() -> JSONValue {
        let sla = result.sla
        return .object([
            ("objective", .double(sla.objective)),
            ("minimum", .double(sla.minimum)),
            ("availability", .double(sla.availability)),
            ("objective_met", .bool(sla.objectiveMet)),
            ("minimum_met", .bool(sla.minimumMet)),
            ("budget_minutes", .double(sla.budgetMinutes)),
            ("budget_left_minutes", .double(sla.budgetLeftMinutes)),
            ("raw_availability", .double(sla.rawAvailability)),
            ("exclusion_policy", .string(result.exclusionPolicy.rawValue)),
            ("exclusion_windows", .array(result.exclusionWindows.map { w in
                spanJSON(w.span, extra: [(w.reason.kind, .string(w.reason.detail))])
            })),
        ])
    }

    private func spanJSON(_ span: TimeSpan, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("start", .string(time(span.start))), ("end", .string(time(span.end))),
                 ("minutes", .double(span.minutes))] + extra)
    }

    // MARK: Text

    /// The zone's name as people write it (Linux Foundation calls UTC "GMT").
    private var zoneName: String {
        let id = result.period.timeZone.identifier
        return id == "GMT" ? "UTC" : id
    }

    /// The verdict, then problems (missed objective or minimum, incidents with their exclusion
    /// reasons, no-data stretches, probe input trouble), then the figures.
    public func text() -> String {
        let sla = result.sla, server = result.server
        var out = "SLA \(time(result.period.span.start)) … \(time(result.period.span.end))"
        out += " (\(zoneName), \(number(result.period.minutes)) min, exclusion policy \(result.exclusionPolicy.rawValue))\n"
        out += "server (\(server.members.joined(separator: " + "))): availability \(percent(sla.availability))"
        out += " (raw \(percent(sla.rawAvailability))), counted downtime \(number(server.countedDowntimeMinutes)) min,"
        out += " budget \(number(sla.budgetMinutes)) min, left \(number(sla.budgetLeftMinutes)) min\n"
        out += "  objective \(percent(sla.objective)) \(sla.objectiveMet ? "met" : "MISSED"),"
        out += " minimum \(percent(sla.minimum)) \(sla.minimumMet ? "met" : "MISSED")\n"
        var problems: [String] = []
        if !sla.objectiveMet {
            problems.append("objective \(percent(sla.objective)) missed: availability \(percent(sla.availability)),"
                            + " \(number(-sla.budgetLeftMinutes)) min over the budget of \(number(sla.budgetMinutes)) min")
        }
        if !sla.minimumMet {
            problems.append("minimum \(percent(sla.minimum)) missed: availability \(percent(sla.availability))")
        }
        for s in [server] + result.services {
            for i in s.incidents { problems.append("incident \(s.name) " + incidentText(i)) }
        }
        for s in [server] + result.services {
            // A service with sparse evidence (the log-derived mailflow test on a quiet night) has hundreds of gaps:
            // the text names a few and sums the rest; JSON and HTML list them all.
            if s.noData.count > Self.noDataListed {
                let longest = s.noData.max { $0.minutes < $1.minutes }!
                problems.append("no data \(s.name): \(group(s.noData.count)) gaps, \(number(s.noDataMinutes)) min in all, the longest "
                                + "\(time(longest.start)) … \(time(longest.end)) (\(number(longest.minutes)) min); every gap in --format json or html")
            } else {
                for gap in s.noData { problems.append("no data \(s.name) \(time(gap.start)) … \(time(gap.end)) (\(number(gap.minutes)) min)") }
            }
        }
        if let probes { problems += probeProblems(probes) }
        out += problems.isEmpty ? "problems: none\n" : "problems:\n" + problems.map { "  \($0)\n" }.joined()
        out += "services:\n"
        let width = max(10, result.services.map(\.name.count).max() ?? 0)
        for s in result.services {
            out += "  " + s.name.padding(toLength: width, withPad: " ", startingAt: 0)
            out += " tests \(group(s.tests)), failed \(group(s.failedTests)), downtime \(number(s.downtimeMinutes)) min,"
            out += " excluded \(number(s.excludedMinutes)) min, no data \(number(s.noDataMinutes)) min,"
            out += " availability \(percent(s.availability))\n"
        }
        return out
    }

    private func incidentText(_ i: Incident) -> String {
        var text = "\(time(i.span.start)) … \(time(i.span.end)): \(number(i.downtimeMinutes)) min, \(i.failedTests) failed tests"
        if i.startsBeforePeriod { text += ", began \(time(i.run.start))" }
        if i.endsAfterPeriod { text += ", went on to \(time(i.run.end))" }
        if i.excluded {
            let reasons = i.reasons.map { "\($0.reason.kind) \"\($0.reason.detail)\" covers \(number($0.overlapMinutes)) min" }
            text += ", excluded \(number(i.excludedMinutes)) min (\(reasons.joined(separator: "; ")))"
        } else {
            text += ", counted"
        }
        return text
    }

    private func probeProblems(_ probes: ProbeData) -> [String] {
        let c = probes.counts
        var out: [String] = []
        if c.malformedTotal > 0 {
            let reasons = ProbeLineProblem.allCases.compactMap { p in c.malformed[p].map { "\(p) \(group($0))" } }
            out.append("probe lines malformed: \(group(c.malformedTotal)) (\(reasons.joined(separator: ", ")))")
        }
        if c.duplicates > 0 {
            out.append("probe lines duplicated: \(group(c.duplicates)), \(group(c.conflictingDuplicates)) with a different result (first kept)")
        }
        if c.outOfOrder > 0 { out.append("probe lines out of order: \(group(c.outOfOrder)) (sorted into place)") }
        if !probes.notices.isEmpty {
            out += probes.notices.prefix(10).map { "  \($0)" }
            if probes.notices.count > 10 { out.append("  … (\(probes.notices.count - 10) more kept in the JSON report)") }
        }
        return out
    }

    private func time(_ micros: Int64) -> String { TimeFormat.rfc3339(micros: micros) }

    /// A minute count with at most two decimals, no trailing zeros.
    private func number(_ value: Double) -> String {
        var s = String(format: "%.2f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// 0.99537 → "99.537 %", at most four decimals.
    private func percent(_ fraction: Double) -> String { number4(fraction * 100) + " %" }

    private func number4(_ value: Double) -> String {
        var s = String(format: "%.4f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
