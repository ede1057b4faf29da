/// Where a service's probe data has gaps, within a period.
enum NoDataGaps {
    /// Stretches between consecutive tests more than twice the interval apart, cut to
    /// the period. The period's edges stand in for tests when there are none beyond
    /// them, so data that starts late or stops early leaves "no data" at the edges,
    /// and a service without tests has no data for the whole period.
    static func find(in tests: [ProbeTest], intervalMicros: Int64, period: TimeSpan) -> [TimeSpan] {
        let first = tests.partitionIndex { $0.time >= period.start }
        let end = tests.partitionIndex { $0.time >= period.end }
        var times = [first > 0 ? tests[first - 1].time : period.start]
        times += tests[first..<end].map(\.time)
        times.append(end < tests.count ? tests[end].time : period.end)
        var gaps: [TimeSpan] = []
        for (a, b) in zip(times, times.dropFirst()) where b - a > 2 * intervalMicros {
            if let gap = TimeSpan(start: a, end: b).intersection(period) { gaps.append(gap) }
        }
        return gaps
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, which must be false then true along the array.
    func partitionIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
