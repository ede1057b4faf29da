import MailslaSLA

/// One local day's share of a service's figures: the period's incidents and
/// no-data stretches cut at the day's edges, nothing recomputed from probes.
///
/// The cut follows the engine's judgement of each incident: an incident the
/// engine excluded whole (policy `incident`) is excluded whole on every day it
/// touches; one it excluded in part (policy `overlap`) is excluded where the
/// period's exclusion windows cover it. So the days add up to the period's
/// downtime, excluded and counted minutes exactly (the tests check this).
struct DailyAvailability {
    let day: LocalDay
    var downtimeMicros: Int64 = 0
    var excludedMicros: Int64 = 0
    var noDataMicros: Int64 = 0
    var failedTests = 0

    var countedMicros: Int64 { downtimeMicros - excludedMicros }
    /// 1 − counted downtime / the day's minutes in the period.
    var availability: Double { fraction(countedMicros) }
    var rawAvailability: Double { fraction(downtimeMicros) }

    private func fraction(_ down: Int64) -> Double {
        day.span.micros > 0 ? 1 - Double(down) / Double(day.span.micros) : 1
    }

    /// The days of `result.period` for `service` (the server or one of `result.services`);
    /// `failures` are the failed tests to count per day (the service's, or the server members').
    static func days(for service: ServiceAvailability, in result: SLAResult, failures: [Int64] = []) -> [DailyAvailability] {
        var days = LocalDay.days(of: result.period).map { DailyAvailability(day: $0) }
        guard !days.isEmpty else { return [] }
        let windows = SpanSet.union(result.exclusionWindows.map(\.span))
        func indices(touching span: TimeSpan) -> Range<Int> {
            let lo = days.partition { $0.day.span.end > span.start }
            let hi = days.partition { $0.day.span.start >= span.end }
            return lo..<max(lo, hi)
        }
        for incident in service.incidents where incident.span.micros > 0 {
            for i in indices(touching: incident.span) {
                guard let part = incident.span.intersection(days[i].day.span) else { continue }
                days[i].downtimeMicros += part.micros
                if incident.excludedMicros >= incident.span.micros {
                    days[i].excludedMicros += part.micros
                } else if incident.excludedMicros > 0 {
                    days[i].excludedMicros += SpanSet.measure(windows.compactMap { $0.intersection(part) })
                }
            }
        }
        for gap in service.noData where gap.micros > 0 {
            for i in indices(touching: gap) {
                days[i].noDataMicros += gap.intersection(days[i].day.span)?.micros ?? 0
            }
        }
        for time in failures {
            let i = days.partition { $0.day.span.end > time }
            if i < days.count, days[i].day.span.start <= time { days[i].failedTests += 1 }
        }
        return days
    }
}

private extension Array {
    /// The first index whose element satisfies `predicate`, false then true along the array.
    func partition(_ predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// The daily chart: per local day, the server's downtime hanging from the
/// 100 % line (counted red, excluded hatched), the objective and minimum as
/// reference lines, and days without probe data marked under the axis.
extension HTMLReport {
    func dailyChart(_ w: HTMLWriter, _ sla: SLAResult) {
        let server = sla.server
        let days = DailyAvailability.days(for: server, in: sla, failures: failures(of: server, in: sla))
        guard !days.isEmpty else { return }
        let width = Self.timelineWidth, height = 210.0
        let x0 = 132.0, x1 = width - 12, top = 16.0, bottom = 164.0
        // The scale ends one step below the minimum, so the objective and the minimum stay apart;
        // a day below the floor is drawn to the floor, cut, with its figure under it.
        let floor = min(sla.sla.minimum, sla.sla.objective)
        let lo = [0.999, 0.995, 0.99, 0.98, 0.95, 0.9, 0.8, 0.5].first { $0 < floor - 1e-9 } ?? 0
        func y(_ availability: Double) -> Double { top + min(1 - availability, 1 - lo) / (1 - lo) * (bottom - top) }
        let column = (x1 - x0) / Double(days.count)
        let step = max(1, Int((Double(days.count) / 32).rounded(.up)))
        w.element("section", [("id", "daily")]) {
            w.element("h2", text: "Daily availability of the server")
            w.element("svg", [("class", "daily"), ("viewBox", "0 0 \(Int(width)) \(Int(height))"), ("width", "100%"), ("role", "img"),
                              ("aria-label", "Availability of the server per day, with the objective and the minimum")]) {
                // Reference lines: objective, minimum, the chart's floor, 100 %; a label that would
                // overlap one already placed is left out (the line stays).
                var placed: [Double] = []
                for (value, cls, label) in [(sla.sla.objective, "ref objective", "objective " + HTMLFormat.percent(sla.sla.objective)),
                                            (sla.sla.minimum, "ref minimum", "minimum " + HTMLFormat.percent(sla.sla.minimum)),
                                            (lo, "ref floor", HTMLFormat.percent(lo)), (1.0, "ref top", "100\u{00A0}%")] {
                    let yy = y(value)
                    w.empty("line", [("x1", HTMLFormat.coordinate(x0)), ("y1", HTMLFormat.coordinate(yy)),
                                     ("x2", HTMLFormat.coordinate(x1)), ("y2", HTMLFormat.coordinate(yy)), ("class", cls)])
                    guard !placed.contains(where: { abs($0 - yy) < 11 }) else { continue }
                    placed.append(yy)
                    w.element("text", [("x", HTMLFormat.coordinate(x0 - 6)), ("y", HTMLFormat.coordinate(yy + 4)), ("class", "axis end")], text: label)
                }
                for (n, day) in days.enumerated() {
                    let x = x0 + Double(n) * column
                    let inner = max(column - 2, 1)
                    if day.excludedMicros > 0 {
                        w.empty("rect", [("x", HTMLFormat.coordinate(x + 1)), ("y", HTMLFormat.coordinate(y(day.availability))),
                                         ("width", HTMLFormat.coordinate(inner)),
                                         ("height", HTMLFormat.coordinate(max(y(day.rawAvailability) - y(day.availability), 1))),
                                         ("class", "day-excluded")])
                    }
                    if day.countedMicros > 0 {
                        w.empty("rect", [("x", HTMLFormat.coordinate(x + 1)), ("y", HTMLFormat.coordinate(top)),
                                         ("width", HTMLFormat.coordinate(inner)),
                                         ("height", HTMLFormat.coordinate(max(y(day.availability) - top, 1.5))), ("class", "day-counted")])
                    }
                    if day.rawAvailability < lo {
                        // Cut: the bar goes on below the floor.
                        let cut = bottom - 14
                        w.empty("path", [("d", "M\(HTMLFormat.coordinate(x)) \(HTMLFormat.coordinate(cut + 3))"
                                              + " L\(HTMLFormat.coordinate(x + column)) \(HTMLFormat.coordinate(cut - 3))"),
                                         ("class", "cut")])
                    }
                    if day.noDataMicros > 0 {
                        w.empty("rect", [("x", HTMLFormat.coordinate(x + 1)), ("y", HTMLFormat.coordinate(bottom + 10)),
                                         ("width", HTMLFormat.coordinate(inner)), ("height", "7"), ("class", "nodata")])
                    }
                    let (_, m, d) = day.day.civil
                    let below = day.availability < sla.sla.objective - 1e-12
                    if n % step == 0 || below {
                        w.element("text", [("x", HTMLFormat.coordinate(x + column / 2)), ("y", HTMLFormat.coordinate(bottom + 34)),
                                           ("class", below ? "axis mid bad" : "axis mid")], text: "\(d)")
                    }
                    if day.countedMicros > 0, column >= 26 {
                        // Under the bar, or inside it above the cut when the bar reaches the floor.
                        let inside = day.rawAvailability < lo
                        w.element("text", [("x", HTMLFormat.coordinate(x + column / 2)),
                                           ("y", HTMLFormat.coordinate(inside ? bottom - 22 : y(day.rawAvailability) + 11)),
                                           ("class", inside ? "value mid inverse" : below ? "value mid bad" : "value mid")],
                                  text: String(format: "%.2f", day.availability * 100))
                    }
                    var title = "\(HTMLFormat.shortMonthNames[m - 1]) \(d): availability \(HTMLFormat.percent(day.availability))"
                        + " (raw \(HTMLFormat.percent(day.rawAvailability)))"
                    title += "\ncounted \(HTMLFormat.minutes(Double(day.countedMicros) / 60e6)) min,"
                        + " excluded \(HTMLFormat.minutes(Double(day.excludedMicros) / 60e6)) min,"
                        + " no data \(HTMLFormat.minutes(Double(day.noDataMicros) / 60e6)) min, \(group(day.failedTests)) failed tests"
                    w.element("rect", [("x", HTMLFormat.coordinate(x)), ("y", HTMLFormat.coordinate(top)),
                                       ("width", HTMLFormat.coordinate(column)), ("height", HTMLFormat.coordinate(bottom + 40 - top)),
                                       ("class", "hit")]) {
                        w.element("title", text: title)
                    }
                }
                w.element("text", [("x", HTMLFormat.coordinate(x0 - 6)), ("y", HTMLFormat.coordinate(bottom + 17)), ("class", "axis end")],
                          text: "no data")
                w.element("text", [("x", HTMLFormat.coordinate(x0 - 6)), ("y", HTMLFormat.coordinate(bottom + 34)), ("class", "axis end")],
                          text: HTMLFormat.shortMonthNames[days[0].day.civil.month - 1] + " \(days[0].day.civil.year)")
            }
            let below = days.filter { $0.availability < sla.sla.objective - 1e-12 }.count
            w.element("p", [("class", "note")],
                      text: "Each column is one \(timeZoneName) day; downtime hangs from the 100\u{00A0}% line (red counted, hatched excluded). "
                          + (below > 0 ? "\(below) day\(below == 1 ? "" : "s") below the objective (numbered in red); " : "")
                          + "the objective applies to the whole period, the days only show where the downtime fell.")
        }
    }
}
