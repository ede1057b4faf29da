import MailslaCore

extension FlowSeries.Hour {
    func snapshot(into w: inout SnapshotWriter) {
        w.int(start); w.int(received); w.int(delivered); w.int(bounced); w.int(rejected); w.int(deferredQueue)
    }

    init(snapshot r: inout SnapshotReader) throws {
        self.init(start: try r.int64())
        received = try r.nonNegative(); delivered = try r.nonNegative(); bounced = try r.nonNegative()
        rejected = try r.nonNegative(); deferredQueue = try r.int()
    }
}

extension FlowSeries {
    /// The hours kept, the one in progress and the drop counter; `limit` comes from the new series.
    func snapshot(into w: inout SnapshotWriter) {
        w.array(hours) { $1.snapshot(into: &$0) }
        current.snapshot(into: &w)
        w.int(dropped)
    }

    mutating func restore(_ r: inout SnapshotReader) throws {
        hours = try r.array { try Hour(snapshot: &$0) }
        // Hours are contiguous: `add(at:)` finds one by arithmetic, so a gap would misplace counts.
        for i in hours.indices.dropFirst() where hours[i].start != hours[i - 1].start &+ Self.hour {
            throw r.error("flow series hours are not contiguous")
        }
        current = try Hour(snapshot: &r)
        dropped = try r.nonNegative()
    }
}
