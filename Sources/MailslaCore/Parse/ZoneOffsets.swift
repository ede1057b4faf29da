import Foundation

/// Turns local wall-clock times of a configured zone into UTC, caching the
/// offset per local hour so the hot path does not call into Foundation.
public struct ZoneOffsets: Sendable {
    public let zone: TimeZone
    private let fixedOffset: Int?
    private var cachedHour = Int.min
    private var cachedOffset = 0

    public init(zone: TimeZone) {
        self.zone = zone
        fixedOffset = zone.nextDaylightSavingTimeTransition == nil && zone.identifier != "localtime"
            ? zone.secondsFromGMT() : nil
    }

    public static let utc = ZoneOffsets(zone: TimeZone(identifier: "UTC")!)

    /// Seconds since the epoch (UTC) of a local time given as seconds since the local epoch.
    @inline(__always)
    public mutating func utc(fromLocal local: Int) -> Int {
        if let fixedOffset { return local - fixedOffset }
        let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
        if hour != cachedHour {
            cachedHour = hour
            // Guess with the standard offset, then settle on the offset in force at that instant.
            let guess = local - zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))
            cachedOffset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess)))
        }
        return local - cachedOffset
    }
}
