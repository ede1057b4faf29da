import Histogram

/// A latency distribution cut into fixed Prometheus buckets: per bucket the
/// number of values and their sum, in seconds. Made from FlowHealth's
/// HdrHistogram (milliseconds, three significant digits), so a value near a
/// bucket bound may fall on either side of it by that precision (0.1 %).
public struct Distribution: Sendable, Equatable {
    /// Upper bounds in seconds, ascending; the last bucket (+Inf) has none.
    public let bounds: [Double]
    /// Values per bucket, not cumulative; `bounds.count + 1` entries.
    public private(set) var counts: [Int]
    /// Sum of the values per bucket, in seconds.
    public private(set) var sums: [Double]

    /// Delivery latency: Postfix's `delay=` runs from well under a second to
    /// the queue lifetime (5 days by default).
    public static let latencyBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400, 432000]
    /// Content-filter round trip: seconds normally, up to the filter time-out (10 minutes by default).
    public static let filterBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600]

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
        sums = Array(repeating: 0, count: bounds.count + 1)
    }

    public var count: Int { counts.reduce(0, +) }
    public var sum: Double { sums.reduce(0, +) }

    /// Replaces the contents with those of `histogram` (milliseconds). One pass over its recorded bins.
    mutating func read(_ histogram: Histogram<UInt64>) {
        counts = Array(repeating: 0, count: bounds.count + 1)
        sums = Array(repeating: 0, count: bounds.count + 1)
        let limits = bounds.map { $0 * 1000 }
        var i = 0
        for bin in histogram.recordedValues() {
            // A bin belongs to the first bucket its lowest value fits in (bins are sorted, so i only grows).
            let low = Double(histogram.lowestEquivalentForValue(bin.value))
            while i < limits.count, low > limits[i] { i += 1 }
            let n = Int(bin.count)
            counts[i] += n
            sums[i] += Double(histogram.medianEquivalentForValue(bin.value)) / 1000 * Double(n)
        }
    }
}
