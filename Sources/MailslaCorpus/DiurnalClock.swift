/// Maps a position in the corpus (0 ≤ u < 1, the share of lines already
/// planned) to a time in the span, so that traffic follows the working day
/// and is lighter at weekends, while the line count stays exact.
struct DiurnalClock {
    private let start: Int64
    private let hourLength: Double
    /// Cumulative share of traffic at the start of each hour of the span (last = 1).
    private var cumulative: [Double]
    private var cursor = 0

    /// Relative traffic per hour of day (UTC).
    static let hourWeights: [Double] = [0.35, 0.25, 0.2, 0.2, 0.25, 0.35, 0.6, 0.9, 1.3, 1.6, 1.7, 1.7,
                                        1.5, 1.6, 1.7, 1.6, 1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.55, 0.45]

    /// `usable` is the length (µs) of the span flows may start in, from `start`.
    init(start: Int64, days: Int, usable: Int64) {
        self.start = start
        let hours = days * 24
        hourLength = Double(usable) / Double(hours)
        let firstDay = Int(start / 86_400_000_000)
        var sums = [0.0]
        var total = 0.0
        for h in 0..<hours {
            let weekday = (firstDay + h / 24 + 4) % 7  // 0 = Sunday (1970-01-01 was a Thursday)
            let weekend = weekday == 0 || weekday == 6
            total += Self.hourWeights[h % 24] * (weekend ? 0.55 : 1)
            sums.append(total)
        }
        cumulative = sums.map { $0 / total }
    }

    /// The time at position `u`; calls must come with non-decreasing `u` (the cursor only moves forward).
    mutating func time(at u: Double) -> Int64 {
        let u = min(max(u, 0), 0.999_999_999)
        while cursor + 2 < cumulative.count, cumulative[cursor + 1] <= u { cursor += 1 }
        let low = cumulative[cursor]
        let high = cumulative[cursor + 1]
        let within = high > low ? (u - low) / (high - low) : 0
        return start + Int64((Double(cursor) + within) * hourLength)
    }
}
