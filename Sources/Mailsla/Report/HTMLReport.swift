import Foundation
import MailslaCore
import MailslaSLA

/// A replay's report as one self-contained HTML page: inline CSS and inline
/// SVG, no scripts, no external assets, so it can be mailed, archived and
/// opened years later as it was.
///
/// The verdict and the problems come first (as the text report puts them
/// first), then a timeline per service, the daily availability, the
/// incidents, the attack episodes, the mail flow and what was read.
///
/// Every figure is the value the JSON and text reports show, taken from the
/// same fields (`SLAResult`, `FlowHealth`, `InputCounters`) and rounded as the
/// text report rounds them; each one also carries its JSON value in a
/// `<data data-key="services.smtp-in.availability" value="0.9995">` element so
/// the two can be compared by machine. The only derived figures are the
/// per-day ones, which are the period's incidents cut at midnight and add up
/// to the period's figures.
///
/// All text that came from the input (host, program and service names,
/// offenders, reasons, file names, error messages) is escaped: a log line can
/// not put markup into the page.
public struct HTMLReport {
    public let result: ReplayResult
    /// The zone as the user named it (Linux reports UTC as "GMT").
    public let timeZoneName: String

    public init(result: ReplayResult, timeZoneName: String) {
        self.result = result
        self.timeZoneName = timeZoneName
    }

    /// The page. Its size grows with the number of incidents, episodes and
    /// programs, not with the number of tests or lines (the timeline draws
    /// failed tests per pixel column).
    public func render() -> String {
        let w = HTMLWriter()
        w.trusted("<!DOCTYPE html>\n")
        w.element("html", [("lang", "en")]) {
            w.element("head") {
                w.empty("meta", [("charset", "utf-8")])
                w.empty("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
                w.element("title", text: "mailsla report — " + periodTitle)
                w.element("style") { w.trusted(HTMLReport.styleSheet) }
            }
            w.element("body") {
                patterns(w)
                w.element("main") {
                    header(w)
                    if let sla = result.sla {
                        verdict(w, sla)
                    }
                    problems(w)
                    if let sla = result.sla {
                        servicesTable(w, sla)
                    }
                    if result.sla != nil || !(result.episodes?.episodes.isEmpty ?? true) {
                        timeline(w)
                    }
                    if let sla = result.sla {
                        dailyChart(w, sla)
                        incidentsTable(w, sla)
                    }
                    if let episodes = result.episodes { episodesTable(w, episodes) }
                    if let flow = result.flow { flowSection(w, flow) }
                    inputSection(w)
                    w.element("footer") {
                        w.text("mailsla report (schema mailsla.report/1). Times are UTC as in the JSON report; days are ")
                        w.text(timeZoneName)
                        w.text(" days. Hover a mark in a chart for its details.")
                    }
                }
            }
        }
        w.trusted("\n")
        return w.output
    }

    // MARK: header

    /// "March 2023" for one calendar month, else the period's two ends.
    var periodTitle: String {
        guard let period = result.period else { return "no dated input" }
        let months = period.calendarMonths()
        if months.count == 1, months[0].span == period.span {
            let clock = ZoneClock(zone: period.timeZone)
            let (y, m, d) = CivilTime.civilFromDays(clock.localDay(ofMicros: period.span.start))
            if d == 1, period.span.end == SLAPeriod.month(year: y, month: m, in: period.timeZone).span.end {
                return "\(HTMLFormat.monthNames[m - 1]) \(y)"
            }
        }
        return HTMLFormat.readableTime(period.span.start) + " – " + HTMLFormat.readableTime(period.span.end)
    }

    private func header(_ w: HTMLWriter) {
        w.element("header") {
            w.element("p", [("class", "kicker")], text: "mailsla · mail service report")
            w.element("h1", text: periodTitle)
            w.element("p", [("class", "meta")]) {
                if let period = result.period {
                    w.text(HTMLFormat.time(period.span.start) + " … " + HTMLFormat.time(period.span.end) + " · ")
                    w.text(timeZoneName + " · ")
                    w.figure("period.minutes", .double(period.minutes), shown: group(Int(period.minutes.rounded())))
                    w.text(" minutes")
                } else {
                    w.text("No timestamps in the input: no period.")
                }
                let hosts = result.counters.byHost.keys.filter { $0 != .none }.map { result.symbols.name($0) }.sorted()
                if !hosts.isEmpty {
                    w.text(" · host" + (hosts.count == 1 ? " " : "s ") + hosts.prefix(8).joined(separator: ", "))
                    if hosts.count > 8 { w.text(" and \(hosts.count - 8) more") }
                }
                w.text(" · \(result.sources.count) source" + (result.sources.count == 1 ? "" : "s"))
            }
            w.element("nav") {
                var links: [(String, String)] = []
                if result.sla != nil { links += [("#services", "Services"), ("#timeline", "Timeline"), ("#daily", "Daily"), ("#incidents", "Incidents")] }
                else if !(result.episodes?.episodes.isEmpty ?? true) { links.append(("#timeline", "Timeline")) }
                if result.episodes != nil { links.append(("#episodes", "Attacks")) }
                if result.flow != nil { links.append(("#flow", "Mail flow")) }
                links.append(("#input", "Input"))
                for (target, name) in links { w.element("a", [("href", target)], text: name) }
            }
        }
    }

    // MARK: verdict

    private func verdict(_ w: HTMLWriter, _ result: SLAResult) {
        let sla = result.sla, server = result.server
        let missed = !sla.objectiveMet || !sla.minimumMet
        w.element("section", [("id", "verdict"), ("class", missed ? "verdict missed" : "verdict"), ("aria-label", "verdict")]) {
            w.element("div", [("class", "headline")]) {
                w.element("div", [("class", "big")]) {
                    w.figure("sla.availability", .double(sla.availability), shown: HTMLFormat.percent(sla.availability))
                }
                w.element("div", [("class", "caption")]) {
                    w.text("SLA availability of the server (" + server.members.joined(separator: " + ") + "), ")
                    w.text("exclusion policy " + result.exclusionPolicy.rawValue)
                }
                w.element("div", [("class", "badges")]) {
                    badge(w, "Objective", sla.objective, met: sla.objectiveMet, key: "sla.objective")
                    badge(w, "Minimum", sla.minimum, met: sla.minimumMet, key: "sla.minimum")
                }
            }
            w.element("dl", [("class", "tiles")]) {
                tile(w, "Raw availability", "no exclusions") {
                    w.figure("sla.raw_availability", .double(sla.rawAvailability), shown: HTMLFormat.percent(sla.rawAvailability))
                }
                tile(w, "Counted downtime", "of \(HTMLFormat.minutes(server.downtimeMinutes)) min, \(HTMLFormat.minutes(server.excludedMinutes)) min excluded") {
                    w.figure("server.counted_downtime_minutes", .double(server.countedDowntimeMinutes),
                             shown: HTMLFormat.minutes(server.countedDowntimeMinutes) + " min")
                }
                tile(w, "Budget left", "") {
                    w.figure("sla.budget_left_minutes", .double(sla.budgetLeftMinutes),
                             shown: HTMLFormat.minutes(sla.budgetLeftMinutes) + " min",
                             attributes: sla.budgetLeftMinutes < 0 ? [("class", "bad")] : [])
                    w.element("span", [("class", "of")]) {
                        w.text(" of ")
                        w.figure("sla.budget_minutes", .double(sla.budgetMinutes), shown: HTMLFormat.minutes(sla.budgetMinutes) + " min")
                    }
                    budgetBar(w, sla)
                }
                tile(w, "No data", "server members without probe results") {
                    w.figure("server.no_data_minutes", .double(server.noDataMinutes), shown: HTMLFormat.minutes(server.noDataMinutes) + " min")
                }
            }
        }
    }

    private func badge(_ w: HTMLWriter, _ name: String, _ target: Double, met: Bool, key: String) {
        w.element("span", [("class", met ? "badge met" : "badge missed")]) {
            w.text(name + " ")
            w.figure(key, .double(target), shown: HTMLFormat.percent(target))
            w.text(met ? " met" : " MISSED")
        }
    }

    private func tile(_ w: HTMLWriter, _ name: String, _ note: String, _ body: () -> Void) {
        w.element("div") {
            w.element("dt", text: name)
            w.element("dd", [], body)
            if !note.isEmpty { w.element("dd", [("class", "note")], text: note) }
        }
    }

    /// Budget used as a bar: the used part dark, an overrun red.
    private func budgetBar(_ w: HTMLWriter, _ sla: SLAFigures) {
        let used = sla.budgetMinutes - sla.budgetLeftMinutes
        let share = sla.budgetMinutes > 0 ? used / sla.budgetMinutes : (used > 0 ? 2 : 0)
        let width = 220.0
        let title = "\(HTMLFormat.minutes(used)) of \(HTMLFormat.minutes(sla.budgetMinutes)) budget minutes used"
        w.element("svg", [("class", "budget"), ("viewBox", "0 0 \(Int(width)) 8"), ("width", "\(Int(width))"), ("height", "8"),
                          ("role", "img"), ("aria-label", title)]) {
            w.element("title", text: title)
            w.empty("rect", [("x", "0"), ("y", "0"), ("width", "\(Int(width))"), ("height", "8"), ("rx", "2"), ("class", "track")])
            let shown = min(max(share, 0), 1) * width
            if shown > 0 {
                w.empty("rect", [("x", "0"), ("y", "0"), ("width", HTMLFormat.coordinate(max(shown, 1.5))), ("height", "8"), ("rx", "2"),
                                 ("class", share > 1 ? "over" : "used")])
            }
        }
    }

    // MARK: problems

    /// One line of the problem list, and how serious it is (`bad` is red).
    struct Problem {
        enum Level: String { case bad, warn, info }
        var level: Level
        var text: String
    }

    /// The text report's problems, in its order, plus the input's (errors,
    /// malformed lines). Counted incidents are `bad`; excluded ones, no data and
    /// input trouble are `warn`.
    func problemList() -> [Problem] {
        var out: [Problem] = []
        if let s = result.sla {
            let sla = s.sla
            if !sla.objectiveMet {
                out.append(Problem(level: .bad, text: "Objective \(HTMLFormat.percent(sla.objective)) missed: availability "
                                   + "\(HTMLFormat.percent(sla.availability)), \(HTMLFormat.minutes(-sla.budgetLeftMinutes)) min over the budget of "
                                   + "\(HTMLFormat.minutes(sla.budgetMinutes)) min"))
            }
            if !sla.minimumMet {
                out.append(Problem(level: .bad, text: "Minimum \(HTMLFormat.percent(sla.minimum)) missed: availability \(HTMLFormat.percent(sla.availability))"))
            }
            for service in [s.server] + s.services {
                for i in service.incidents {
                    var text = "Incident \(service.name) \(HTMLFormat.readableSpan(i.span.start, i.span.end)): "
                        + "\(HTMLFormat.minutes(i.downtimeMinutes)) min, \(i.failedTests) failed tests"
                    if i.excluded {
                        text += ", excluded \(HTMLFormat.minutes(i.excludedMinutes)) min ("
                            + i.reasons.map { "\($0.reason.kind) \($0.reason.detail)" }.joined(separator: "; ") + ")"
                    }
                    out.append(Problem(level: i.countedMicros > 0 ? .bad : .warn, text: text))
                }
            }
            // No-data stretches one per line, or one line per service when it has many (a log-derived
            // service only has data where the logs are).
            for service in [s.server] + s.services where !service.noData.isEmpty {
                if service.noData.count <= 3 {
                    for gap in service.noData {
                        out.append(Problem(level: .warn, text: "No data \(service.name) \(HTMLFormat.readableSpan(gap.start, gap.end)) "
                                           + "(\(HTMLFormat.minutes(gap.minutes)) min)"))
                    }
                } else {
                    let longest = service.noData.max { $0.micros < $1.micros }!
                    out.append(Problem(level: .warn, text: "No data \(service.name): \(HTMLFormat.minutes(service.noDataMinutes)) min in "
                                       + "\(service.noData.count) stretches, the longest \(HTMLFormat.readableSpan(longest.start, longest.end)) "
                                       + "(\(HTMLFormat.minutes(longest.minutes)) min)"))
                }
            }
        }
        if let probes = result.probes {
            let c = probes.counts
            if c.malformedTotal > 0 {
                out.append(Problem(level: .warn, text: "Probe lines malformed: \(group(c.malformedTotal))"))
            }
            if c.duplicates > 0 {
                out.append(Problem(level: .warn, text: "Probe lines duplicated: \(group(c.duplicates)), "
                                   + "\(group(c.conflictingDuplicates)) with a different result (first kept)"))
            }
            if c.outOfOrder > 0 { out.append(Problem(level: .info, text: "Probe lines out of order: \(group(c.outOfOrder)) (sorted into place)")) }
        }
        for error in result.errors { out.append(Problem(level: .warn, text: "Input error: \(error)")) }
        if result.counters.malformed.total > 0 {
            out.append(Problem(level: .warn, text: "Malformed log lines: \(group(result.counters.malformed.total))"))
        }
        if result.counters.framing.truncatedLines > 0 {
            out.append(Problem(level: .info, text: "Over-long lines cut: \(group(result.counters.framing.truncatedLines))"))
        }
        if let flow = result.flow, flow[.lost] > 0 {
            out.append(Problem(level: .bad, text: "Messages lost in the content filter: \(group(flow[.lost]))"))
        }
        return out
    }

    private func problems(_ w: HTMLWriter) {
        let list = problemList()
        w.element("section", [("id", "problems"), ("class", "problems")]) {
            w.element("h2", text: list.isEmpty ? "Problems: none" : "Problems")
            if result.sla == nil {
                w.element("p", [("class", "note")],
                          text: "No probe results were given (--probes): availability, incidents and the verdict are not computed.")
            }
            guard !list.isEmpty else { return }
            let limit = 25
            w.element("ul") {
                for p in list.prefix(limit) {
                    w.element("li", [("class", p.level.rawValue)], text: p.text)
                }
            }
            if list.count > limit {
                w.element("p", [("class", "note")],
                          text: "… and \(list.count - limit) more: the tables below and the JSON report list them all.")
            }
        }
    }

    // MARK: shared

    /// Failed tests inside the period for a service, or for the server's members.
    func failures(of service: ServiceAvailability, in result: SLAResult) -> [Int64] {
        let names = service.members.isEmpty ? [service.name] : service.members
        let span = result.period.span
        return names.flatMap { name in
            (self.result.probes?.series[name]?.tests ?? []).lazy.filter { !$0.ok && $0.time >= span.start && $0.time < span.end }.map(\.time)
        }.sorted()
    }

    /// The JSON path of a service's figures: `server` or `services.<name>`.
    func key(_ service: ServiceAvailability) -> String {
        service.members.isEmpty ? "services.\(service.name)" : "server"
    }
}
