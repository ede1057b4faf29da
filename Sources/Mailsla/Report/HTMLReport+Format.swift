import Foundation
import MailslaCore
import MailslaSLA

/// How the HTML report writes figures: the same rounding as the text report
/// (`SLAReportSection`), so a person comparing the two sees the same digits.
enum HTMLFormat {
    /// A minute count with at most two decimals, no trailing zeros.
    static func minutes(_ value: Double) -> String { trimmed(value, decimals: 2) }

    /// 0.99537 → "99.537 %", at most four decimals (a no-break space before the sign).
    static func percent(_ fraction: Double) -> String { trimmed(fraction * 100, decimals: 4) + "\u{00A0}%" }

    /// Seconds with two decimals, as the text report writes latencies.
    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) + "\u{00A0}s" }

    /// RFC 3339 UTC, as the JSON report writes times.
    static func time(_ micros: Int64) -> String { TimeFormat.rfc3339(micros: micros) }

    /// `2023-03-14 10:05 UTC`-like, for tooltips a person reads; seconds only when not zero.
    static func readableTime(_ micros: Int64) -> String {
        var s = TimeFormat.rfc3339(micros: micros)
        s = s.replacingOccurrences(of: "T", with: " ")
        if let dot = s.firstIndex(of: ".") { s = String(s[..<dot]) + "Z" }
        if s.hasSuffix(":00Z") { s = String(s.dropLast(4)) + "Z" }
        return s.replacingOccurrences(of: "Z", with: " UTC")
    }

    /// `start – end` for a tooltip; the end's date is left out when it is the start's.
    static func readableSpan(_ start: Int64, _ end: Int64) -> String {
        let a = readableTime(start), b = readableTime(end)
        if a.prefix(10) == b.prefix(10) { return a.replacingOccurrences(of: " UTC", with: "") + " – " + b.dropFirst(11) }
        return a.replacingOccurrences(of: " UTC", with: "") + " – " + b
    }

    /// An SVG coordinate: one decimal, no trailing ".0".
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]
    static let shortMonthNames = monthNames.map { String($0.prefix(3)) }

    private static func trimmed(_ value: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}

/// One local day of a period (in the period's zone), for the daily chart and the timeline's axis.
struct LocalDay {
    /// Days since 1970-01-01 on the zone's calendar.
    let number: Int
    /// The day's instants inside the period (a DST day is 23 or 25 hours; the period may cut the first and last day).
    let span: TimeSpan
    var civil: (year: Int, month: Int, day: Int) { CivilTime.civilFromDays(number) }

    /// Every local day with an instant in `period`.
    static func days(of period: SLAPeriod) -> [LocalDay] {
        guard period.span.micros > 0 else { return [] }
        let clock = ZoneClock(zone: period.timeZone)
        let first = clock.localDay(ofMicros: period.span.start)
        let last = clock.localDay(ofMicros: period.span.end - 1)
        return (first...last).compactMap { n in
            let start = clock.utcMicros(localDay: n, secondOfDay: 0)
            let end = clock.utcMicros(localDay: n + 1, secondOfDay: 0)
            guard let part = TimeSpan(start: start, end: max(start, end)).intersection(period.span) else { return nil }
            return LocalDay(number: n, span: part)
        }
    }
}
