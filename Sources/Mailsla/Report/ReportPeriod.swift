import Foundation

/// The billing period a report covers: whole calendar months in the configured zone.
public struct ReportPeriod: Sendable, Equatable {
    public let start: Date
    public let end: Date
    public let timeZone: TimeZone

    public var minutes: Int { Int(end.timeIntervalSince(start) / 60) }

    /// From the start of the month of `first` to the end of the month of `last`.
    public static func covering(firstMicros: Int64, lastMicros: Int64, zone: TimeZone) -> ReportPeriod {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let first = Date(timeIntervalSince1970: Double(firstMicros) / 1e6)
        let last = Date(timeIntervalSince1970: Double(lastMicros) / 1e6)
        let start = calendar.dateInterval(of: .month, for: first)!.start
        let end = calendar.dateInterval(of: .month, for: last)!.end
        return ReportPeriod(start: start, end: end, timeZone: zone)
    }

    /// One month given as `YYYY-MM`, or nil when the text is not that.
    public static func month(_ text: String, zone: TimeZone) -> ReportPeriod? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: y, month: m, day: 1)),
              let end = calendar.date(byAdding: .month, value: 1, to: start) else { return nil }
        return ReportPeriod(start: start, end: end, timeZone: zone)
    }
}
