import Foundation
import MailslaCore

/// The stretch of time one set of SLA figures is computed over, usually a
/// billing month in the configured zone.
///
/// Availability is always over the whole period (REPORT.md), so its length in
/// real minutes is the denominator: a Berlin March has 44,580 minutes, not
/// 44,640, because the clock skips an hour.
public struct SLAPeriod: Sendable, Equatable {
    public let span: TimeSpan
    public let timeZone: TimeZone

    public init(span: TimeSpan, timeZone: TimeZone) {
        self.span = span
        self.timeZone = timeZone
    }

    /// Any from/to, e.g. from `--from`/`--to` or the lead's `ReportPeriod`.
    public init(start: Date, end: Date, timeZone: TimeZone) {
        self.init(span: TimeSpan(start: Int64((start.timeIntervalSince1970 * 1e6).rounded()),
                                 end: Int64((end.timeIntervalSince1970 * 1e6).rounded())),
                  timeZone: timeZone)
    }

    public var minutes: Double { span.minutes }

    /// One calendar month in `zone`, midnight of the 1st to midnight of the next 1st.
    public static func month(year: Int, month: Int, in zone: TimeZone) -> SLAPeriod {
        let clock = ZoneClock(zone: zone)
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        return SLAPeriod(span: TimeSpan(start: clock.utcMicros(year: year, month: month, day: 1),
                                        end: clock.utcMicros(year: next.0, month: next.1, day: 1)),
                         timeZone: zone)
    }

    /// Whole calendar months in `zone`: from the start of the month of `firstMicros`
    /// to the end of the month of `lastMicros`.
    public static func months(coveringMicros firstMicros: Int64, _ lastMicros: Int64, in zone: TimeZone) -> SLAPeriod {
        let clock = ZoneClock(zone: zone)
        let first = CivilTime.civilFromDays(clock.localDay(ofMicros: firstMicros))
        let last = CivilTime.civilFromDays(clock.localDay(ofMicros: lastMicros))
        let start = month(year: first.year, month: first.month, in: zone).span.start
        let end = month(year: last.year, month: last.month, in: zone).span.end
        return SLAPeriod(span: TimeSpan(start: start, end: end), timeZone: zone)
    }

    /// The calendar months (in this period's zone) that make up the period, each cut to it.
    public func calendarMonths() -> [SLAPeriod] {
        guard span.micros > 0 else { return [] }
        var out: [SLAPeriod] = []
        var month = SLAPeriod.months(coveringMicros: span.start, span.start, in: timeZone)
        while month.span.start < span.end {
            if let part = month.span.intersection(span) { out.append(SLAPeriod(span: part, timeZone: timeZone)) }
            month = SLAPeriod.months(coveringMicros: month.span.end, month.span.end, in: timeZone)
        }
        return out
    }
}
