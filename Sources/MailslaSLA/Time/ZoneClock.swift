import Foundation
import MailslaCore

/// A day of the week, Monday first (ISO 8601).
public enum Weekday: Int, CaseIterable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// English names and their three-letter forms, in any case: "Sunday", "sun".
    public init?(name: some StringProtocol) {
        let lower = name.lowercased()
        guard let day = Weekday.allCases.first(where: { lower == $0.name || lower == String($0.name.prefix(3)) })
        else { return nil }
        self = day
    }

    public var name: String {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][rawValue - 1]
    }

    /// The weekday of a day number since 1970-01-01 (a Thursday).
    public init(daysSinceEpoch days: Int) {
        let r = ((days % 7) + 7 + 3) % 7
        self = Weekday(rawValue: r + 1)!
    }
}

/// Wall-clock time of one zone turned into UTC instants and back.
///
/// Only period boundaries and recurring maintenance are wall-clock times; all
/// other arithmetic stays in UTC. At a DST change a wall-clock time may not exist
/// (spring forward) or exist twice (fall back). The rules here are explicit:
/// a skipped time is read with the offset in force before the change, so it
/// lands as far after the jump as it was after the old hour (Berlin 02:30 on
/// the last Sunday of March is 03:30 CEST); a repeated time is its first occurrence.
public struct ZoneClock: Sendable {
    public let zone: TimeZone

    public init(zone: TimeZone) { self.zone = zone }

    /// Seconds east of UTC in force at an instant.
    public func offsetSeconds(atMicros micros: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(floorDiv(micros, 1_000_000))))
    }

    /// The UTC instant of a wall-clock time on a given day number (days since 1970-01-01 in local terms).
    public func utcMicros(localDay day: Int, secondOfDay: Int) -> Int64 {
        let local = Int64(day) * 86400 + Int64(secondOfDay)
        let before = offsetSeconds(atMicros: (local - 86400) * 1_000_000)
        let after = offsetSeconds(atMicros: (local + 86400) * 1_000_000)
        let valid = Set([before, after]).map { local - Int64($0) }
            .filter { Int64(offsetSeconds(atMicros: $0 * 1_000_000)) == local - $0 }
        let seconds = valid.min() ?? (local - Int64(before))
        return seconds * 1_000_000
    }

    /// The UTC instant of a wall-clock date and time.
    public func utcMicros(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        utcMicros(localDay: CivilTime.daysFromCivil(year: year, month: month, day: day),
                  secondOfDay: hour * 3600 + minute * 60 + second)
    }

    /// The local day number (days since 1970-01-01 on the zone's calendar) of an instant.
    public func localDay(ofMicros micros: Int64) -> Int {
        let local = floorDiv(micros, 1_000_000) + Int64(offsetSeconds(atMicros: micros))
        return Int(floorDiv(local, 86400))
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
