import MailslaCore

extension MailflowMonitor {
    /// The intervals so far; faults are already held by kind name, so they survive a changed rule pack.
    func snapshot(into w: inout SnapshotWriter) {
        w.array(buckets.sorted { $0.key < $1.key }) { w, entry in
            let b = entry.value
            w.int(entry.key); w.int(b.delivered); w.int(b.localFailures); w.int(b.lost)
            w.array(b.faults.sorted { $0.key < $1.key }) { $0.string($1.key); $0.int($1.value) }
        }
    }

    mutating func restore(_ r: inout SnapshotReader) throws {
        var buckets: [Int64: Bucket] = [:]
        for _ in 0..<(try r.count()) {
            let start = try r.int64()
            var b = Bucket()
            b.delivered = try r.nonNegative(); b.localFailures = try r.nonNegative(); b.lost = try r.nonNegative()
            for _ in 0..<(try r.count()) {
                let kind = try r.string()
                b.faults[kind] = try r.nonNegative()
            }
            buckets[start] = b
        }
        self.buckets = buckets
    }
}
