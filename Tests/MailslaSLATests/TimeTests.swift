import Foundation
import Testing
@testable import MailslaSLA

@Suite struct TimeTests {
    @Test func rfc3339Forms() {
        let base: Int64 = 1_793_491_500_000_000  // 2026-11-01T00:05:00Z
        #expect(RFC3339.micros("2026-11-01T00:05:00Z") == base)
        #expect(RFC3339.micros("2026-11-01t00:05:00z") == base)
        #expect(RFC3339.micros("2026-11-01 00:05:00Z") == base)
        #expect(RFC3339.micros("2026-11-01T01:05:00+01:00") == base)
        #expect(RFC3339.micros("2026-11-01T01:05:00+0100") == base)
        #expect(RFC3339.micros("2026-10-31T19:35:00-04:30") == base)
        #expect(RFC3339.micros("2026-11-01T00:05:00.25Z") == base + 250_000)
        #expect(RFC3339.micros("2026-11-01T00:05:00.123456789Z") == base + 123_456)
        #expect(RFC3339.micros("2026-11-01T01:05:00.5+01:00") == base + 500_000)
    }

    @Test func rfc3339Refusals() {
        for bad in ["", "2026-11-01T00:05:00", "2026-11-01T00:05Z", "2026-11-31T00:00:00Z", "2026-13-01T00:00:00Z",
                    "2026-11-01T24:00:00Z", "2026-11-01T00:00:60Z", "2026-11-01T00:00:00.Z", "2026-11-01T00:00:00+1",
                    "2026-11-01T00:00:00+25:00", "2026-11-01T00:00:00Z ", "2026-11-01X00:00:00Z", "26-11-01T00:00:00Z"] {
            #expect(RFC3339.micros(bad) == nil, "\(bad)")
        }
        #expect(RFC3339.micros("2028-02-29T00:00:00Z") != nil)
        #expect(RFC3339.micros("2026-02-29T00:00:00Z") == nil)
    }

    @Test func weekdays() {
        #expect(Weekday(daysSinceEpoch: 0) == .thursday)
        #expect(Weekday(daysSinceEpoch: -1) == .wednesday)
        #expect(Weekday(daysSinceEpoch: -4) == .sunday)
        let day = Int(t("2026-03-29T12:00:00Z") / 86_400_000_000)
        #expect(Weekday(daysSinceEpoch: day) == .sunday)
        #expect(Weekday(name: "Sunday") == .sunday)
        #expect(Weekday(name: "tue") == .tuesday)
        #expect(Weekday(name: "sundays") == nil)
    }

    @Test func zoneClockSkippedAndRepeatedHours() {
        let clock = ZoneClock(zone: berlin)
        // Ordinary winter and summer times.
        #expect(clock.utcMicros(year: 2026, month: 1, day: 10, hour: 12) == t("2026-01-10T11:00:00Z"))
        #expect(clock.utcMicros(year: 2026, month: 7, day: 10, hour: 12) == t("2026-07-10T10:00:00Z"))
        // Spring forward: 02:00–03:00 does not exist; read with the winter offset.
        #expect(clock.utcMicros(year: 2026, month: 3, day: 29, hour: 2) == t("2026-03-29T01:00:00Z"))
        #expect(clock.utcMicros(year: 2026, month: 3, day: 29, hour: 2, minute: 30) == t("2026-03-29T01:30:00Z"))
        #expect(clock.utcMicros(year: 2026, month: 3, day: 29, hour: 3) == t("2026-03-29T01:00:00Z"))
        // Fall back: 02:00–03:00 happens twice; the first (summer time) is taken.
        #expect(clock.utcMicros(year: 2026, month: 10, day: 25, hour: 2, minute: 30) == t("2026-10-25T00:30:00Z"))
        #expect(clock.utcMicros(year: 2026, month: 10, day: 25, hour: 3) == t("2026-10-25T02:00:00Z"))
        #expect(clock.localDay(ofMicros: t("2026-10-31T23:30:00Z")) == clock.localDay(ofMicros: t("2026-11-01T00:30:00Z")))
    }

    @Test func monthlyPeriodsInAZoneAreRealMinutes() {
        #expect(november().minutes == 43_200)
        let march = SLAPeriod.month(year: 2026, month: 3, in: berlin)
        #expect(march.span == span("2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z"))
        #expect(march.minutes == 31 * 1440 - 60)
        let october = SLAPeriod.month(year: 2026, month: 10, in: berlin)
        #expect(october.minutes == 31 * 1440 + 60)
        #expect(SLAPeriod.month(year: 2026, month: 12, in: berlin).span.end == t("2026-12-31T23:00:00Z"))
    }

    @Test func monthsCoveringAndCalendarMonths() {
        let period = SLAPeriod.months(coveringMicros: t("2026-09-30T22:30:00Z"), t("2026-11-01T00:30:00Z"), in: berlin)
        // 2026-09-30T22:30Z is already 1 October in Berlin.
        #expect(period.span == span("2026-09-30T22:00:00Z", "2026-11-30T23:00:00Z"))
        let months = period.calendarMonths()
        #expect(months.count == 2)
        #expect(months[0] == SLAPeriod.month(year: 2026, month: 10, in: berlin))
        #expect(months[1] == SLAPeriod.month(year: 2026, month: 11, in: berlin))
        let cut = SLAPeriod(span: span("2026-10-15T00:00:00Z", "2026-11-10T00:00:00Z"), timeZone: utc).calendarMonths()
        #expect(cut.map(\.span) == [span("2026-10-15T00:00:00Z", "2026-11-01T00:00:00Z"),
                                    span("2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z")])
    }

    @Test func periodFromDates() {
        let p = SLAPeriod(start: Date(timeIntervalSince1970: 1_793_491_200), end: Date(timeIntervalSince1970: 1_796_083_200),
                          timeZone: utc)
        #expect(p == november())
    }

    @Test func spanSets() {
        let a = span("2026-11-01T00:00:00Z", "2026-11-01T00:10:00Z")
        let b = span("2026-11-01T00:05:00Z", "2026-11-01T00:20:00Z")
        let c = span("2026-11-01T00:20:00Z", "2026-11-01T00:30:00Z")
        let d = span("2026-11-01T01:00:00Z", "2026-11-01T01:10:00Z")
        #expect(SpanSet.union([d, c, a, b]) == [span("2026-11-01T00:00:00Z", "2026-11-01T00:30:00Z"), d])
        #expect(SpanSet.measure([a, b, c, d]) == 40 * minute)
        #expect(SpanSet.subtract([b], from: [a, d]) == [span("2026-11-01T00:00:00Z", "2026-11-01T00:05:00Z"), d])
        #expect(SpanSet.subtract([span("2026-11-01T00:02:00Z", "2026-11-01T00:03:00Z")], from: [a]).count == 2)
        #expect(a.intersection(c) == nil)
        // A window contains an incident's instants when it opens at or before the last failed test.
        #expect(c.window(containsAnyOf: span("2026-11-01T00:15:00Z", "2026-11-01T00:20:00Z")))
        #expect(!a.window(containsAnyOf: span("2026-11-01T00:10:00Z", "2026-11-01T00:15:00Z")))
    }
}
