import Foundation
import MailslaCore
import MailslaSLA

/// The timeline: the whole period on the x axis, one lane per service (the
/// server first), above them the attack episodes and the exclusion windows.
/// Every mark has a `<title>`, which browsers show as a tooltip.
extension HTMLReport {
    /// The geometry of one timeline: where an instant of the period lands.
    struct TimeAxis {
        let span: TimeSpan
        let x0: Double
        let x1: Double

        func x(_ t: Int64) -> Double {
            guard span.micros > 0 else { return x0 }
            let share = Double(min(max(t, span.start), span.end) - span.start) / Double(span.micros)
            return x0 + share * (x1 - x0)
        }

        /// `[x, width]` of a stretch, at least `minimum` wide so that a five-minute incident in a month stays visible.
        func extent(_ s: TimeSpan, minimum: Double = 2) -> (x: Double, width: Double) {
            let a = x(s.start), b = x(s.end)
            let width = max(b - a, minimum)
            return (min(a, x1 - width), width)
        }
    }

    static let timelineWidth = 1160.0
    private static let laneHeight = 22.0
    private static let laneGap = 8.0
    private static let axisHeight = 30.0
    /// Failed tests are drawn per column of this many units, so the page stays small for any number of tests.
    private static let failureColumn = 2.0

    func timeline(_ w: HTMLWriter) {
        guard let period = result.period else { return }
        let axis = TimeAxis(span: period.span, x0: 132, x1: Self.timelineWidth - 12)
        var lanes: [(label: String, strong: Bool, draw: (Double) -> Void)] = []
        if let found = result.episodes {
            lanes.append(("attacks", false, { y in self.episodeLane(w, axis, y, found.episodes) }))
        }
        if let sla = result.sla {
            lanes.append(("exclusions", false, { y in self.exclusionLane(w, axis, y, sla.exclusionWindows) }))
            for service in [sla.server] + sla.services {
                lanes.append((service.name, !service.members.isEmpty, { y in self.serviceLane(w, axis, y, service, sla) }))
            }
        }
        let height = Self.axisHeight + Double(lanes.count) * (Self.laneHeight + Self.laneGap) + 4
        w.element("section", [("id", "timeline")]) {
            w.element("h2", text: "Timeline")
            w.element("svg", [("class", "timeline"), ("viewBox", "0 0 \(Int(Self.timelineWidth)) \(Int(height))"),
                              ("width", "100%"), ("role", "img"),
                              ("aria-label", "Timeline of the period: attacks, exclusion windows, and per service failed tests, incidents and no-data stretches")]) {
                dayGrid(w, axis, period, top: Self.axisHeight - 6, bottom: height - 4)
                var y = Self.axisHeight
                let laneTop = y
                for lane in lanes {
                    w.element("text", [("x", "0"), ("y", HTMLFormat.coordinate(y + Self.laneHeight / 2 + 4)),
                                       ("class", lane.strong ? "lane-label strong" : "lane-label")], text: lane.label)
                    w.empty("rect", [("x", HTMLFormat.coordinate(axis.x0)), ("y", HTMLFormat.coordinate(y)),
                                     ("width", HTMLFormat.coordinate(axis.x1 - axis.x0)), ("height", HTMLFormat.coordinate(Self.laneHeight)),
                                     ("class", "lane")])
                    y += Self.laneHeight + Self.laneGap
                }
                // Exclusion windows and episodes as faint bands across the service lanes, under their marks.
                if let sla = result.sla {
                    let servicesTop = laneTop + Double(result.episodes == nil ? 1 : 2) * (Self.laneHeight + Self.laneGap)
                    let bandHeight = y - Self.laneGap - servicesTop
                    if bandHeight > 0 {
                        for window in sla.exclusionWindows {
                            let e = axis.extent(window.span)
                            w.empty("rect", [("x", HTMLFormat.coordinate(e.x)), ("y", HTMLFormat.coordinate(servicesTop)),
                                             ("width", HTMLFormat.coordinate(e.width)), ("height", HTMLFormat.coordinate(bandHeight)),
                                             ("class", "band-exclusion")])
                        }
                        for e in result.episodes?.episodes ?? [] where e.end >= period.span.start && e.start <= period.span.end {
                            let x = axis.extent(TimeSpan(start: e.start, end: max(e.start, e.end)))
                            w.empty("rect", [("x", HTMLFormat.coordinate(x.x)), ("y", HTMLFormat.coordinate(servicesTop)),
                                             ("width", HTMLFormat.coordinate(x.width)), ("height", HTMLFormat.coordinate(bandHeight)),
                                             ("class", "band-episode")])
                        }
                    }
                }
                y = laneTop
                for lane in lanes {
                    lane.draw(y)
                    y += Self.laneHeight + Self.laneGap
                }
            }
            legend(w)
        }
    }

    /// The hatchings the charts fill with, in a hidden SVG at the top of the page (ids are the page's).
    func patterns(_ w: HTMLWriter) {
        w.element("svg", [("class", "defs"), ("width", "0"), ("height", "0"), ("aria-hidden", "true")]) {
        w.element("defs") {
            w.element("pattern", [("id", "hatch"), ("width", "6"), ("height", "6"), ("patternUnits", "userSpaceOnUse"),
                                  ("patternTransform", "rotate(45)")]) {
                w.empty("rect", [("width", "6"), ("height", "6"), ("class", "hatch-bg")])
                w.empty("line", [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "6"), ("class", "hatch-line")])
            }
            w.element("pattern", [("id", "hatch-excluded"), ("width", "5"), ("height", "5"), ("patternUnits", "userSpaceOnUse"),
                                  ("patternTransform", "rotate(45)")]) {
                w.empty("rect", [("width", "5"), ("height", "5"), ("class", "hatch-excl-bg")])
                w.empty("line", [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "5"), ("class", "hatch-excl-line")])
            }
        }
        }
    }

    /// Midnight lines and day labels (in the period's zone); every k-th day labelled when the period is long.
    private func dayGrid(_ w: HTMLWriter, _ axis: TimeAxis, _ period: SLAPeriod, top: Double, bottom: Double) {
        let days = LocalDay.days(of: period)
        let step = max(1, Int((Double(days.count) / 32).rounded(.up)))
        var lastMonth = days.first?.civil.month ?? -1
        if let first = days.first {
            w.element("text", [("x", "0"), ("y", HTMLFormat.coordinate(top - 6)), ("class", "axis")],
                      text: "\(HTMLFormat.shortMonthNames[first.civil.month - 1]) \(first.civil.year)")
        }
        for (n, day) in days.enumerated() {
            let x = axis.x(day.span.start)
            w.empty("line", [("x1", HTMLFormat.coordinate(x)), ("y1", HTMLFormat.coordinate(top)), ("x2", HTMLFormat.coordinate(x)),
                             ("y2", HTMLFormat.coordinate(bottom)), ("class", n == 0 ? "grid edge" : "grid")])
            guard n % step == 0 else { continue }
            let (_, m, d) = day.civil
            let width = axis.x(day.span.end) - x
            let label = m != lastMonth ? "\(HTMLFormat.shortMonthNames[m - 1]) \(d)" : "\(d)"
            lastMonth = m
            let fits = width * Double(step) >= Double(label.count) * 6.2
            w.element("text", [("x", HTMLFormat.coordinate(x + 3)), ("y", HTMLFormat.coordinate(top - 6)), ("class", "axis")],
                      text: fits ? label : "\(d)")
        }
        w.empty("line", [("x1", HTMLFormat.coordinate(axis.x1)), ("y1", HTMLFormat.coordinate(top)), ("x2", HTMLFormat.coordinate(axis.x1)),
                         ("y2", HTMLFormat.coordinate(bottom)), ("class", "grid edge")])
        // A short period also gets hours (UTC offsets of the zone kept: the ticks are local hours).
        guard days.count <= 3 else { return }
        let every = days.count == 1 ? 3 : 6
        let clock = ZoneClock(zone: period.timeZone)
        for day in days {
            for hour in stride(from: every, to: 24, by: every) {
                let t = clock.utcMicros(localDay: day.number, secondOfDay: hour * 3600)
                guard t > period.span.start, t < period.span.end else { continue }
                let x = axis.x(t)
                w.empty("line", [("x1", HTMLFormat.coordinate(x)), ("y1", HTMLFormat.coordinate(top + 2)), ("x2", HTMLFormat.coordinate(x)),
                                 ("y2", HTMLFormat.coordinate(bottom)), ("class", "grid hour")])
                w.element("text", [("x", HTMLFormat.coordinate(x + 3)), ("y", HTMLFormat.coordinate(top - 6)), ("class", "axis hour")],
                          text: String(format: "%02d:00", hour))
            }
        }
    }

    private func episodeLane(_ w: HTMLWriter, _ axis: TimeAxis, _ y: Double, _ episodes: [Episode]) {
        // Where no log line was read, attacks cannot be seen: hatched, like missing probe data.
        let c = result.counters
        let seen = c.firstTime <= c.lastTime ? TimeSpan(start: c.firstTime, end: c.lastTime) : nil
        let unseen = SpanSet.subtract(seen.map { [$0] } ?? [], from: [axis.span])
        for gap in unseen where gap.micros > 0 {
            shape(w, axis.extent(gap, minimum: 0), y: y, height: Self.laneHeight, cls: "nodata",
                  title: "No log lines \(HTMLFormat.readableSpan(gap.start, gap.end)): attacks cannot be seen here")
        }
        for e in episodes where e.end >= axis.span.start && e.start <= axis.span.end {
            var title = "\(e.id) \(e.kind.rawValue) on \(e.host), \(HTMLFormat.readableSpan(e.start, e.end))"
            title += String(format: " (%.0f min)", e.minutesLong.rounded(.up))
            let offenders = e.topOffenders.prefix(3).map { "\($0.key) \(group($0.count))" }
            if !offenders.isEmpty { title += "\nby " + offenders.joined(separator: ", ") }
            let evidence = e.evidence.sorted { $0.count > $1.count }.prefix(3).map { "\($0.kind) \(group($0.count))" }
            if !evidence.isEmpty { title += "\nevidence " + evidence.joined(separator: ", ") }
            shape(w, axis.extent(TimeSpan(start: e.start, end: max(e.start, e.end)), minimum: 3), y: y + 2,
                  height: Self.laneHeight - 4, cls: "episode", title: title)
        }
    }

    private func exclusionLane(_ w: HTMLWriter, _ axis: TimeAxis, _ y: Double, _ windows: [ExclusionWindow]) {
        for window in windows {
            let title = "\(window.reason.kind): \(window.reason.detail)\n\(HTMLFormat.readableSpan(window.span.start, window.span.end))"
                + " (\(HTMLFormat.minutes(window.span.minutes)) min)"
            shape(w, axis.extent(window.span, minimum: 3), y: y + 2, height: Self.laneHeight - 4,
                  cls: "exclusion " + window.reason.kind, title: title)
        }
    }

    private func serviceLane(_ w: HTMLWriter, _ axis: TimeAxis, _ y: Double, _ service: ServiceAvailability, _ sla: SLAResult) {
        for gap in service.noData where gap.micros > 0 {
            shape(w, axis.extent(gap, minimum: 1), y: y, height: Self.laneHeight, cls: "nodata",
                  title: "\(service.name): no data \(HTMLFormat.readableSpan(gap.start, gap.end)) (\(HTMLFormat.minutes(gap.minutes)) min)")
        }
        // Failed tests, gathered per column: one tick says how many fell there.
        let failed = failures(of: service, in: sla)
        var column = -1, count = 0, first: Int64 = 0, last: Int64 = 0
        func flush() {
            guard count > 0 else { return }
            let x = axis.x0 + Double(column) * Self.failureColumn
            let what = count == 1 ? "1 failed test at \(HTMLFormat.readableTime(first))"
                : "\(count) failed tests \(HTMLFormat.readableSpan(first, last))"
            shape(w, (x, Self.failureColumn - 0.4), y: y + Self.laneHeight - 7, height: 5, cls: "fail", title: "\(service.name): \(what)")
        }
        for t in failed {
            let c = Int((axis.x(t) - axis.x0) / Self.failureColumn)
            if c != column {
                flush()
                column = c
                count = 0
                first = t
            }
            count += 1
            last = t
        }
        flush()
        for i in service.incidents {
            var title = "\(service.name): incident \(HTMLFormat.readableSpan(i.span.start, i.span.end)), "
                + "\(HTMLFormat.minutes(i.downtimeMinutes)) min, \(i.failedTests) failed tests"
            if i.excluded {
                title += "\nexcluded \(HTMLFormat.minutes(i.excludedMinutes)) min: "
                    + i.reasons.map { "\($0.reason.kind) \($0.reason.detail)" }.joined(separator: "; ")
            }
            if i.countedMicros > 0 { title += "\ncounted \(HTMLFormat.minutes(Double(i.countedMicros) / 60e6)) min" }
            shape(w, axis.extent(i.span, minimum: 3), y: y + 2, height: Self.laneHeight - 11,
                  cls: i.countedMicros > 0 ? "incident" : "incident excluded", title: title)
        }
    }

    /// A titled rectangle.
    private func shape(_ w: HTMLWriter, _ extent: (x: Double, width: Double), y: Double, height: Double, cls: String, title: String) {
        w.element("rect", [("x", HTMLFormat.coordinate(extent.x)), ("y", HTMLFormat.coordinate(y)),
                           ("width", HTMLFormat.coordinate(extent.width)), ("height", HTMLFormat.coordinate(height)), ("class", cls)]) {
            w.element("title", text: title)
        }
    }

    private func legend(_ w: HTMLWriter) {
        w.element("ul", [("class", "legend")]) {
            var keys = [("incident", "incident, counted"), ("incident-excluded", "incident, excluded"),
                        ("fail", "failed test"), ("nodata", "no data"), ("exclusion", "exclusion window"), ("episode", "attack episode")]
            if result.sla == nil { keys = [("nodata", "no log lines"), ("episode", "attack episode")] }
            for (cls, text) in keys {
                w.element("li") {
                    w.element("span", [("class", "key " + cls)], text: "")
                    w.text(text)
                }
            }
        }
    }
}
