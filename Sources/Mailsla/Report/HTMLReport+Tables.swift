import Foundation
import MailslaCore
import MailslaSLA

/// The report's tables: services, incidents, episodes and the input.
extension HTMLReport {
    // MARK: services

    func servicesTable(_ w: HTMLWriter, _ sla: SLAResult) {
        w.element("section", [("id", "services")]) {
            w.element("h2", text: "Services")
            w.element("table", [("class", "figures")]) {
                w.element("thead") {
                    w.element("tr") {
                        for (name, numeric) in [("Service", false), ("Tests", true), ("Failed", true), ("Incidents", true),
                                                ("Downtime", true), ("Excluded", true), ("Counted", true), ("No data", true),
                                                ("Raw", true), ("Availability", true)] {
                            w.element("th", numeric ? [("class", "num")] : [], text: name)
                        }
                    }
                }
                w.element("tbody") {
                    for service in [sla.server] + sla.services {
                        serviceRow(w, service, server: !service.members.isEmpty, objective: sla.sla.objective)
                    }
                }
            }
            w.element("p", [("class", "note")],
                      text: "Minutes. The server is down while any of its members is down; its tests are the members' tests. "
                          + "An incident is a run of consecutive failed tests (two or more by default), from the first to the last failed test.")
        }
    }

    private func serviceRow(_ w: HTMLWriter, _ s: ServiceAvailability, server: Bool, objective: Double) {
        let k = key(s)
        w.element("tr", server ? [("class", "server")] : []) {
            w.element("th", [("scope", "row")]) {
                w.text(s.name)
                if server { w.element("span", [("class", "sub")], text: " " + s.members.joined(separator: " + ")) }
            }
            cell(w) { w.figure(k + ".tests", .int(s.tests), shown: group(s.tests)) }
            cell(w) { w.figure(k + ".failed_tests", .int(s.failedTests), shown: group(s.failedTests)) }
            cell(w) { w.text(group(s.incidents.count)) }
            cell(w) { w.figure(k + ".downtime_minutes", .double(s.downtimeMinutes), shown: HTMLFormat.minutes(s.downtimeMinutes)) }
            cell(w, s.excludedMicros > 0 ? "excl" : nil) {
                w.figure(k + ".excluded_minutes", .double(s.excludedMinutes), shown: HTMLFormat.minutes(s.excludedMinutes))
            }
            cell(w, s.countedDowntimeMicros > 0 ? "bad" : nil) {
                w.figure(k + ".counted_downtime_minutes", .double(s.countedDowntimeMinutes), shown: HTMLFormat.minutes(s.countedDowntimeMinutes))
            }
            cell(w, s.noDataMicros > 0 ? "warn" : nil) {
                w.figure(k + ".no_data_minutes", .double(s.noDataMinutes), shown: HTMLFormat.minutes(s.noDataMinutes))
            }
            cell(w) { w.figure(k + ".raw_availability", .double(s.rawAvailability), shown: HTMLFormat.percent(s.rawAvailability)) }
            cell(w, s.availability < objective - 1e-12 ? "bad strong" : "strong") {
                w.figure(k + ".availability", .double(s.availability), shown: HTMLFormat.percent(s.availability))
            }
        }
    }

    func cell(_ w: HTMLWriter, _ extra: String? = nil, _ body: () -> Void) {
        w.element("td", [("class", extra.map { "num " + $0 } ?? "num")], body)
    }

    // MARK: incidents

    func incidentsTable(_ w: HTMLWriter, _ sla: SLAResult) {
        let rows = ([sla.server] + sla.services).flatMap { s in s.incidents.enumerated().map { (s, $0.offset, $0.element) } }
        w.element("section", [("id", "incidents")]) {
            w.element("h2", text: "Incidents")
            guard !rows.isEmpty else {
                w.element("p", [("class", "note")], text: "No incidents in the period.")
                return
            }
            w.element("table", [("class", "figures")]) {
                w.element("thead") {
                    w.element("tr") {
                        for (name, numeric) in [("Service", false), ("Start (UTC)", false), ("End", false), ("Failed tests", true),
                                                ("Downtime, min", true), ("Excluded, min", true), ("Why excluded", false)] {
                            w.element("th", numeric ? [("class", "num")] : [], text: name)
                        }
                    }
                }
                w.element("tbody") {
                    for (service, index, i) in rows {
                        let k = key(service) + ".incidents.\(index)"
                        w.element("tr", [("class", i.countedMicros > 0 ? "counted" : "excluded")]) {
                            w.element("th", [("scope", "row")], text: service.name)
                            w.element("td", [("class", "time")]) {
                                w.time(i.span.start)
                                if i.startsBeforePeriod { w.element("span", [("class", "sub")], text: " run began " + HTMLFormat.time(i.run.start)) }
                            }
                            w.element("td", [("class", "time")]) {
                                w.time(i.span.end, sameDayAs: i.span.start)
                                if i.endsAfterPeriod { w.element("span", [("class", "sub")], text: " run went on to " + HTMLFormat.time(i.run.end)) }
                            }
                            cell(w) { w.figure(k + ".failed_tests", .int(i.failedTests), shown: group(i.failedTests)) }
                            cell(w, i.countedMicros > 0 ? "bad" : nil) {
                                w.figure(k + ".downtime_minutes", .double(i.downtimeMinutes), shown: HTMLFormat.minutes(i.downtimeMinutes))
                            }
                            cell(w, i.excluded ? "excl" : nil) {
                                w.figure(k + ".excluded_minutes", .double(i.excludedMinutes), shown: HTMLFormat.minutes(i.excludedMinutes))
                            }
                            w.element("td") {
                                if i.reasons.isEmpty { w.text("counted") }
                                for (n, r) in i.reasons.enumerated() {
                                    if n > 0 { w.empty("br") }
                                    w.element("span", [("class", "tag " + r.reason.kind)], text: r.reason.kind)
                                    w.text(" " + r.reason.detail + " · " + HTMLFormat.minutes(r.overlapMinutes) + " min")
                                }
                            }
                        }
                    }
                }
            }
            if !sla.exclusionWindows.isEmpty {
                w.element("h3", text: "Exclusion windows in the period")
                w.element("table", [("class", "figures compact")]) {
                    w.element("thead") {
                        w.element("tr") {
                            for name in ["Kind", "Reason", "Start (UTC)", "End"] { w.element("th", text: name) }
                            w.element("th", [("class", "num")], text: "Minutes")
                        }
                    }
                    w.element("tbody") {
                        for window in sla.exclusionWindows {
                            w.element("tr") {
                                w.element("td") { w.element("span", [("class", "tag " + window.reason.kind)], text: window.reason.kind) }
                                w.element("td", text: window.reason.detail)
                                w.element("td", [("class", "time")]) { w.time(window.span.start) }
                                w.element("td", [("class", "time")]) { w.time(window.span.end, sameDayAs: window.span.start) }
                                cell(w) { w.text(HTMLFormat.minutes(window.span.minutes)) }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: episodes

    func episodesTable(_ w: HTMLWriter, _ found: DetectionResult) {
        w.element("section", [("id", "episodes")]) {
            w.element("h2", text: "Attack episodes")
            guard !found.episodes.isEmpty else {
                w.element("p", [("class", "note")], text: "No attack detected in the logs.")
                return
            }
            w.element("table", [("class", "figures")]) {
                w.element("thead") {
                    w.element("tr") {
                        for (name, numeric) in [("Id", false), ("Kind", false), ("Host", false), ("Start (UTC)", false), ("End", false),
                                                ("Minutes", true), ("Top offenders", false), ("Evidence", false)] {
                            w.element("th", numeric ? [("class", "num")] : [], text: name)
                        }
                    }
                }
                w.element("tbody") {
                    for e in found.episodes {
                        w.element("tr") {
                            w.element("th", [("scope", "row")], text: e.id)
                            w.element("td") { w.element("span", [("class", "tag episode")], text: e.kind.rawValue) }
                            w.element("td", text: e.host)
                            w.element("td", [("class", "time")]) { w.time(e.start) }
                            w.element("td", [("class", "time")]) { w.time(e.end, sameDayAs: e.start) }
                            cell(w) { w.text(String(format: "%.0f", e.minutesLong.rounded(.up))) }
                            w.element("td", [("class", "list")]) {
                                for (n, o) in e.topOffenders.prefix(3).enumerated() {
                                    if n > 0 { w.text(", ") }
                                    w.element("code", text: o.key)
                                    w.text("\u{00A0}\(group(o.count))")
                                }
                                if e.topOffenders.count > 3 { w.element("span", [("class", "sub")], text: " +\(e.topOffenders.count - 3) more") }
                            }
                            w.element("td", [("class", "list")]) {
                                let evidence = e.evidence.sorted { $0.count > $1.count }
                                w.text(evidence.prefix(3).map { "\($0.kind)\u{00A0}\(group($0.count))" }.joined(separator: ", "))
                                if evidence.count > 3 { w.element("span", [("class", "sub")], text: " +\(evidence.count - 3) more") }
                            }
                        }
                    }
                }
            }
            let s = found.stats
            if s.evictedKeys > 0 || s.droppedEvents > 0 || s.droppedEpisodes > 0 {
                w.element("p", [("class", "note warn")],
                          text: "Detector bounds: \(group(s.evictedKeys)) keys evicted, \(group(s.droppedEvents)) events not counted, "
                              + "\(group(s.droppedEpisodes)) episodes dropped.")
            }
            if result.sla != nil {
                w.element("p", [("class", "note")],
                          text: "Episodes exclude downtime only where they appear among the exclusion windows above.")
            }
        }
    }

    // MARK: input

    func inputSection(_ w: HTMLWriter) {
        let c = result.counters
        w.element("section", [("id", "input")]) {
            w.element("h2", text: "Input")
            w.element("div", [("class", "columns")]) {
                w.element("table", [("class", "figures compact")]) {
                    w.element("tbody") {
                        inputRow(w, "Lines", key: "input.lines", c.lines)
                        inputRow(w, "Parsed", key: "input.parsed", c.parsed)
                        inputRow(w, "Malformed", key: "input.malformed", c.malformed.total, warn: c.malformed.total > 0)
                        for reason in MalformedReason.allCases where c.malformed[reason] > 0 {
                            inputRow(w, "  " + reason.description, key: nil, c.malformed[reason], sub: true)
                        }
                        if let classification = result.classification {
                            inputRow(w, "Classified", key: "input.classified", classification.counters.classified)
                            inputRow(w, "Unmatched", key: "input.unmatched", classification.counters.unmatched)
                        }
                        inputRow(w, "Truncated lines", key: "input.truncated_lines", c.framing.truncatedLines, warn: c.framing.truncatedLines > 0)
                        if c.framing.nulLines > 0 { inputRow(w, "Lines with NUL bytes", key: "input.nul_lines", c.framing.nulLines, warn: true) }
                        if c.failedSources > 0 { inputRow(w, "Failed sources", key: "input.failed_sources", c.failedSources, warn: true) }
                        if result.invalidUTF8Values > 0 { inputRow(w, "Values not UTF-8", key: nil, result.invalidUTF8Values) }
                        if c.firstTime <= c.lastTime {
                            w.element("tr") {
                                w.element("th", [("scope", "row")], text: "First / last line")
                                w.element("td", [("class", "time")]) {
                                    w.time(c.firstTime)
                                    w.text(" … ")
                                    w.time(c.lastTime)
                                }
                            }
                        }
                        if let probes = result.probes {
                            let p = probes.counts
                            inputRow(w, "Probe lines", key: "input.probes.lines", p.lines)
                            inputRow(w, "  accepted", key: "input.probes.accepted", p.accepted, sub: true)
                            inputRow(w, "  malformed", key: "input.probes.malformed", p.malformedTotal, warn: p.malformedTotal > 0, sub: true)
                            inputRow(w, "  duplicates", key: "input.probes.duplicates", p.duplicates, warn: p.duplicates > 0, sub: true)
                            inputRow(w, "  out of order", key: "input.probes.out_of_order", p.outOfOrder, sub: true)
                            if !probes.unknownServices.isEmpty {
                                w.element("tr") {
                                    w.element("th", [("scope", "row"), ("class", "sub")], text: "other services")
                                    w.element("td", text: probes.unknownServices.joined(separator: ", "))
                                }
                            }
                        }
                    }
                }
                programsTable(w)
            }
            w.element("h3", text: "Sources")
            w.element("ul", [("class", "sources")]) {
                for source in result.sources { w.element("li") { w.element("code", text: source) } }
            }
            if let probes = result.probes, !probes.notices.isEmpty {
                w.element("h3", text: "Probe notices")
                w.element("ul", [("class", "sources")]) {
                    for notice in probes.notices.prefix(20) { w.element("li", text: notice.description) }
                }
            }
        }
    }

    private func inputRow(_ w: HTMLWriter, _ name: String, key: String?, _ value: Int, warn: Bool = false, sub: Bool = false) {
        w.element("tr") {
            w.element("th", sub ? [("scope", "row"), ("class", "sub")] : [("scope", "row")],
                      text: name.trimmingCharacters(in: .whitespaces))
            cell(w, warn ? "warn" : nil) {
                if let key { w.figure(key, .int(value), shown: group(value)) } else { w.text(group(value)) }
            }
        }
    }

    /// Records by program, busiest first, with the unmatched share when the replay classified.
    private func programsTable(_ w: HTMLWriter) {
        let programs = result.counters.byProgram.map { (name($0.key), $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        guard !programs.isEmpty else { return }
        var unmatched: [String: Int] = [:]
        for (symbol, count) in result.classification?.counters.unmatchedByProgram ?? [:] { unmatched[name(symbol), default: 0] += count }
        let peak = programs.first?.1 ?? 1
        w.element("table", [("class", "figures compact programs")]) {
            w.element("thead") {
                w.element("tr") {
                    w.element("th", text: "Program")
                    w.element("th", [("class", "num")], text: "Lines")
                    if result.classification != nil { w.element("th", [("class", "num")], text: "Unmatched") }
                    w.element("th", [("class", "bar")], text: "")
                }
            }
            w.element("tbody") {
                for (program, count) in programs {
                    w.element("tr") {
                        w.element("th", [("scope", "row")]) { w.element("code", text: program) }
                        cell(w) { w.figure("input.by_program." + program, .int(count), shown: group(count)) }
                        if result.classification != nil { cell(w) { w.text(group(unmatched[program] ?? 0)) } }
                        w.element("td", [("class", "bar")]) { inlineBar(w, Double(count) / Double(peak)) }
                    }
                }
            }
        }
    }

    private func name(_ symbol: Symbol) -> String { symbol == .none ? "-" : result.symbols.name(symbol) }

    /// A small horizontal bar for a table cell, `share` of its full width.
    func inlineBar(_ w: HTMLWriter, _ share: Double, problem: Bool = false) {
        let width = 120.0
        w.element("svg", [("viewBox", "0 0 \(Int(width)) 8"), ("width", "\(Int(width))"), ("height", "8"), ("aria-hidden", "true")]) {
            w.empty("rect", [("x", "0"), ("y", "0"), ("width", HTMLFormat.coordinate(max(1, share * width))), ("height", "8"), ("rx", "1.5"),
                             ("class", problem ? "bar-bad" : "bar")])
        }
    }
}
