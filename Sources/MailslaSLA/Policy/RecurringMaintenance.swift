import MailslaCore

/// A weekly maintenance window in the configured zone, e.g. "Sunday 02:00 for 2h".
///
/// The start is wall-clock time (it follows the zone across DST, see `ZoneClock`
/// for the skipped and repeated hour); the duration is real elapsed time, so a
/// two-hour window is two hours long even on the night the clocks change.
public struct RecurringMaintenance: Sendable, Equatable {
    public var weekday: Weekday
    public var hour: Int
    public var minute: Int
    public var durationSeconds: Int
    public var reason: String

    public init(weekday: Weekday, hour: Int, minute: Int = 0, durationSeconds: Int, reason: String) {
        self.weekday = weekday
        self.hour = hour
        self.minute = minute
        self.durationSeconds = durationSeconds
        self.reason = reason
    }

    /// Parses `"<weekday> HH:MM for <duration>"`, the duration as `2h`, `90m`, `1h30m` or `45s`.
    /// Throws a message naming what was wrong.
    public init(parsing text: String, reason: String) throws(SLAPolicyError) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        let usage = "write a recurring maintenance as \"Sunday 02:00 for 2h\", not \"\(text)\""
        guard words.count == 4, words[2].lowercased() == "for", let day = Weekday(name: words[0]) else {
            throw SLAPolicyError([usage])
        }
        let clock = words[1].split(separator: ":")
        guard clock.count == 2, let h = Int(clock[0]), let m = Int(clock[1]), (0..<24).contains(h), (0..<60).contains(m),
              let seconds = Self.durationSeconds(words[3]) else { throw SLAPolicyError([usage]) }
        self.init(weekday: day, hour: h, minute: m, durationSeconds: seconds, reason: reason)
    }

    /// `2h`, `90m`, `1h30m`, `45s` → seconds; nil when not that.
    public static func durationSeconds(_ text: some StringProtocol) -> Int? {
        var total = 0, number = 0, digits = 0
        for c in text.lowercased() {
            if let d = c.wholeNumberValue, c.isASCII {
                number = number * 10 + d
                digits += 1
                continue
            }
            guard digits > 0 else { return nil }
            switch c {
            case "d": total += number * 86400
            case "h": total += number * 3600
            case "m": total += number * 60
            case "s": total += number
            default: return nil
            }
            number = 0
            digits = 0
        }
        return digits == 0 && total > 0 ? total : nil
    }

    /// The occurrences that have an instant in `span` (closed at its end, as incidents are).
    func occurrences(touching span: TimeSpan, clock: ZoneClock) -> [TimeSpan] {
        let duration = Int64(durationSeconds) * 1_000_000
        let firstDay = clock.localDay(ofMicros: span.start - duration) - 1
        let lastDay = clock.localDay(ofMicros: span.end) + 1
        var out: [TimeSpan] = []
        for day in firstDay...lastDay where Weekday(daysSinceEpoch: day) == weekday {
            let start = clock.utcMicros(localDay: day, secondOfDay: hour * 3600 + minute * 60)
            let window = TimeSpan(start: start, end: start + duration)
            if window.window(containsAnyOf: span) { out.append(window) }
        }
        return out
    }
}
