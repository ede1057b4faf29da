extension FlowSeries {
    /// A series rebuilt from stored hours (`report --state`), oldest first; the
    /// last one stands as the hour in progress.
    public init(storedHours: [Hour], limit: Int = 24 * 400) {
        self.init(limit: limit)
        for hour in storedHours.sorted(by: { $0.start < $1.start }) {
            if current.start != .min { append(current) }
            current = hour
        }
    }
}

extension FlowSeries.Hour {
    /// An empty hour starting at `start` (µs), to add stored counts to.
    public init(storedStart start: Int64) { self.init(start: start) }
}
