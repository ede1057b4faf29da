import Foundation
import Histogram
import MailslaCore
import MailslaSLA

/// Renders a replay's result: a readable summary, or the JSON report of
/// ../shared/REPORT.md (the sections whose capability exists).
public struct ReplayReport {
    public let result: ReplayResult
    /// The zone as the user named it (Linux reports UTC as "GMT").
    public let timeZoneName: String

    public init(result: ReplayResult, timeZoneName: String) {
        self.result = result
        self.timeZoneName = timeZoneName
    }


    var counters: InputCounters { result.counters }

    public var period: SLAPeriod? { result.period }

    /// The `input` section and, when times were seen, the `period`.
    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = [("schema", .string("mailsla.report/1"))]
        if let period {
            members.append(("period", .object([
                ("start", .string(TimeFormat.rfc3339(micros: period.span.start))),
                ("end", .string(TimeFormat.rfc3339(micros: period.span.end))),
                ("timezone", .string(timeZoneName)),
                ("minutes", .double(period.minutes)),
            ])))
        }
        var input: [(String, JSONValue)] = [
            ("sources", .array(result.sources.map { .string($0) })),
            ("lines", .int(counters.lines)),
            ("parsed", .int(counters.parsed)),
            ("malformed", .int(counters.malformed.total)),
            ("classified", .int(result.classification?.counters.classified ?? 0)),
            ("unmatched", .int(result.classification?.counters.unmatched ?? 0)),
            ("malformed_by_reason", .object(MalformedReason.allCases.compactMap { reason in
                counters.malformed[reason] > 0 ? (reason.description, .int(counters.malformed[reason])) : nil
            })),
            ("truncated_lines", .int(counters.framing.truncatedLines)),
            ("nul_lines", .int(counters.framing.nulLines)),
            ("journal_entries_without_message", .int(counters.journalEntriesWithoutMessage)),
            ("failed_sources", .int(counters.failedSources)),
            ("by_program", .object(sorted(counters.byProgram).map { ($0.0, .int($0.1)) })),
            ("by_host", .object(sorted(counters.byHost).map { ($0.0, .int($0.1)) })),
        ]
        if let classification = result.classification {
            input.append(("unmatched_by_program", .object(sorted(classification.counters.unmatchedByProgram).map { ($0.0, .int($0.1)) })))
            var kinds: [String: Int] = [:]
            for (index, rule) in classification.rules.rules.enumerated() where classification.counters.hits[index] > 0 {
                kinds[classification.rules.kinds[Int(rule.kind)], default: 0] += classification.counters.hits[index]
            }
            input.append(("by_event", .object(kinds.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })))
        }
        if counters.firstTime <= counters.lastTime {
            input.append(("first_time", .string(TimeFormat.rfc3339(micros: counters.firstTime))))
            input.append(("last_time", .string(TimeFormat.rfc3339(micros: counters.lastTime))))
        }
        input.append(("errors", .array(result.errors.map { .string($0.description) })))
        members.append(("input", .object(input)))
        if let flow = result.flow { members.append(("flow", flowJSON(flow))) }
        if let episodes = result.episodes { members += EpisodesReportSection(result: episodes).members() }
        if let sla = result.sla {
            let section = SLAReportSection(result: sla, probes: result.probes)
            if let probes = section.probeInputJSON(), let index = members.firstIndex(where: { $0.0 == "input" }),
               case .object(var inputMembers) = members[index].1 {
                inputMembers.append(("probes", probes))
                members[index].1 = .object(inputMembers)
            }
            members += section.members()
        }
        return .object(members)
    }

    func flowJSON(_ flow: FlowHealth) -> JSONValue {
        func percentiles(_ h: Histogram<UInt64>) -> JSONValue {
            guard h.totalCount > 0 else { return .object([("p50", .null), ("p90", .null), ("p99", .null), ("max", .null)]) }
            let s = { (ms: UInt64) in JSONValue.double(Double(ms) / 1000) }
            return .object([("p50", s(h.valueAtPercentile(50))), ("p90", s(h.valueAtPercentile(90))),
                            ("p99", s(h.valueAtPercentile(99))), ("max", s(h.max))])
        }
        var members: [(String, JSONValue)] = [("received", .int(flow.received))]
        for status in [MessageStatus.delivered, .bounced, .expired, .deferred, .inFlight, .held, .discarded] {
            members.append((status.rawValue, .int(flow[status])))
        }
        members += [("spam", .int(flow.spam)), ("virus", .int(flow.virus)), ("lost", .int(flow[.lost])),
                    ("ndn", .int(flow.ndn)), ("rejected", .int(flow.rejected)),
                    ("rejected_by_reason", .object(flow.rejectedByReason.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                    ("latency_seconds", percentiles(flow.latency)),
                    ("filter_round_trip_seconds", percentiles(flow.filterRoundTrip)),
                    ("deferrals_by_reason", .object(flow.deferralsByReason.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                    ("attempts_by_status", .object(flow.attemptsByStatus.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                    ("deferred_once", .int(flow.deferredOnce)),
                    ("partial_messages", .int(flow.partialMessages)), ("evicted", .int(flow.evicted)),
                    ("dropped_recipients", .int(flow.droppedRecipients)), ("dropped_attempts", .int(flow.droppedAttempts))]
        members.append(("by_hour", .array(flow.series.all.map { h in
            .object([("start", .string(TimeFormat.rfc3339(micros: h.start))), ("received", .int(h.received)),
                     ("delivered", .int(h.delivered)), ("bounced", .int(h.bounced)), ("rejected", .int(h.rejected)),
                     ("deferred_queue", .int(h.deferredQueue))])
        })))
        let hosts = flow.byHost.map { (result.symbols.name($0.key), $0.value) }.sorted { $0.0 < $1.0 }
        members.append(("by_host", .object(hosts.map { name, c in
            (name, .object([("received", .int(c.received)), ("delivered", .int(c.delivered)), ("bounced", .int(c.bounced)),
                            ("deferred", .int(c.deferred)), ("rejected", .int(c.rejected))]))
        })))
        return .object(members)
    }

    /// A few readable lines for a person at a terminal.
    /// A report a person reads in a terminal or a cron mail: the verdict and
    /// problems first (as pflogsumm puts its summary first), then attacks, the
    /// mail flow, and what was read.
    public func text() -> String {
        var out = ""
        if let sla = result.sla {
            out += SLAReportSection(result: sla, probes: result.probes).text()
        }
        if !result.errors.isEmpty {
            out += "errors (\(result.errors.count)):\n"
            for error in result.errors { out += "  \(error)\n" }
        }
        if let episodes = result.episodes { out += EpisodesReportSection(result: episodes).text() }
        if let flow = result.flow {
            out += "mail flow\n"
            out += "  received    \(group(flow.received)) messages (each counted once across the content filter)\n"
            var states = [MessageStatus.delivered, .bounced, .deferred, .expired, .inFlight, .held, .discarded, .lost]
                .filter { flow[$0] > 0 }.map { "\($0.rawValue) \(group(flow[$0]))" }
            if flow.spam > 0 { states.append("spam \(group(flow.spam))") }
            if flow.virus > 0 { states.append("virus \(group(flow.virus))") }
            if flow.ndn > 0 { states.append("bounce notices \(group(flow.ndn))") }
            out += "  outcome     " + (states.isEmpty ? "-" : states.joined(separator: ", ")) + "\n"
            let reasons = flow.rejectedByReason.sorted { $0.value > $1.value }.prefix(6).map { "\($0.key) \(group($0.value))" }
            out += "  rejected    \(group(flow.rejected))" + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: ", ") + ")") + "\n"
            if flow.latency.totalCount > 0 {
                out += String(format: "  latency     p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s\n",
                              Double(flow.latency.valueAtPercentile(50)) / 1000, Double(flow.latency.valueAtPercentile(90)) / 1000,
                              Double(flow.latency.valueAtPercentile(99)) / 1000, Double(flow.latency.max) / 1000)
            }
            if flow.filterRoundTrip.totalCount > 0 {
                out += String(format: "  filter trip p50 %.2f s, p90 %.2f s, max %.2f s\n",
                              Double(flow.filterRoundTrip.valueAtPercentile(50)) / 1000,
                              Double(flow.filterRoundTrip.valueAtPercentile(90)) / 1000, Double(flow.filterRoundTrip.max) / 1000)
            }
        }
        out += inputText()
        return out
    }

    /// What was read: lines, parse and classification counts, hosts, programs.
    func inputText() -> String {
        let seconds = max(result.elapsedSeconds, 1e-9)
        // A report from `tail`'s stored state has no run to time and was not made by replay.
        let timed = result.elapsedSeconds > 0
        var out = "\(timed ? "mailsla replay" : "input"): \(result.sources.count) source(s), \(group(counters.lines)) lines"
        if timed {
            out += String(format: " in %.3f s (%@ lines/s", result.elapsedSeconds, group(Int(Double(counters.lines) / seconds)))
            // Journal entries are not read as bytes: a byte rate is shown only for text input.
            out += result.bytesRead > 0 ? String(format: ", %.1f MB/s)\n", Double(result.bytesRead) / seconds / 1e6) : ")\n"
        } else {
            out += " (from stored state)\n"
        }
        out += "  parsed      \(group(counters.parsed))\n"
        let reasons = MalformedReason.allCases.filter { counters.malformed[$0] > 0 }
            .map { "\($0) \(group(counters.malformed[$0]))" }
        out += "  malformed   \(group(counters.malformed.total))"
        out += reasons.isEmpty ? "\n" : " (\(reasons.joined(separator: ", ")))\n"
        if let classification = result.classification {
            let c = classification.counters
            let share = counters.parsed > 0 ? Double(c.classified) / Double(counters.parsed) * 100 : 0
            out += "  classified  \(group(c.classified)) (\(String(format: "%.1f", share)) %), unmatched \(group(c.unmatched))\n"
        }
        if counters.framing.truncatedLines > 0 {
            out += "  truncated   \(group(counters.framing.truncatedLines)) over-long lines cut\n"
        }
        if counters.framing.nulLines > 0 { out += "  nul bytes   \(group(counters.framing.nulLines)) lines\n" }
        if result.invalidUTF8Values > 0 {
            out += "  not UTF-8   \(group(result.invalidUTF8Values)) values written as U+FFFD\n"
        }
        if counters.firstTime <= counters.lastTime {
            out += "  time        \(TimeFormat.rfc3339(micros: counters.firstTime)) … \(TimeFormat.rfc3339(micros: counters.lastTime))\n"
        }
        let hosts = sorted(counters.byHost)
        if !hosts.isEmpty {
            out += "  hosts       " + hosts.map { "\($0.0) \(group($0.1))" }.joined(separator: ", ") + "\n"
        }
        let programs = sorted(counters.byProgram)
        if !programs.isEmpty {
            out += "  by program\n"
            let unmatched = Dictionary(sorted(result.classification?.counters.unmatchedByProgram ?? [:]), uniquingKeysWith: +)
            for (name, count) in programs.sorted(by: { $0.1 > $1.1 }) {
                out += "    " + name.padding(toLength: max(28, name.count), withPad: " ", startingAt: 0) + " " + group(count)
                if result.classification != nil { out += "  (unmatched \(group(unmatched[name] ?? 0)))" }
                out += "\n"
            }
        }
        return out
    }

    private func sorted(_ counts: [Symbol: Int]) -> [(String, Int)] {
        counts.map { ($0.key == .none ? "-" : result.symbols.name($0.key), $0.value) }.sorted { $0.0 < $1.0 }
    }
}

/// 1234567 → "1,234,567".
func group(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return value < 0 ? "-" + out : out
}
