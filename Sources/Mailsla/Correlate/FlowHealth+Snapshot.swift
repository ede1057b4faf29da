import Histogram
import MailslaCore

extension FlowHealth {
    func snapshot(into w: inout SnapshotWriter) {
        let statuses = MessageStatus.allCases.filter { counts[$0] != nil }
        w.array(statuses) { $0.string($1.rawValue); $0.int(counts[$1]!) }
        w.int(received); w.int(ndn); w.int(spam); w.int(virus); w.int(rejected)
        for tally in [rejectedByReason, attemptsByStatus, deferralsByReason] {
            w.array(tally.sorted { $0.key < $1.key }) { $0.string($1.key); $0.int($1.value) }
        }
        w.int(deferredOnce)
        w.array(byHost.sorted { $0.key.raw < $1.key.raw }) { w, entry in
            let c = entry.value
            w.count(Int(entry.key.raw))
            w.int(c.received); w.int(c.delivered); w.int(c.bounced); w.int(c.deferred); w.int(c.rejected)
        }
        Self.snapshot(latency, into: &w)
        Self.snapshot(filterRoundTrip, into: &w)
        w.int(partialMessages); w.int(evicted); w.int(filterLinks)
        series.snapshot(into: &w)
        w.int(relinked)
        w.int(droppedRecipients); w.int(droppedAttempts)
    }

    /// Loads into a fresh `FlowHealth` (whose series limit and histogram settings are kept).
    mutating func restore(_ r: inout SnapshotReader, symbols: Int) throws {
        let statuses = try r.count()
        for _ in 0..<statuses {
            let name = try r.string()
            let count = try r.nonNegative()
            guard let status = MessageStatus(rawValue: name) else { throw r.error("unknown message status \(name)") }
            counts[status] = count
        }
        received = try r.nonNegative(); ndn = try r.nonNegative(); spam = try r.nonNegative()
        virus = try r.nonNegative(); rejected = try r.nonNegative()
        func tally(_ r: inout SnapshotReader) throws -> [String: Int] {
            var out: [String: Int] = [:]
            for _ in 0..<(try r.count()) {
                let key = try r.string()
                out[key] = try r.nonNegative()
            }
            return out
        }
        rejectedByReason = try tally(&r)
        attemptsByStatus = try tally(&r)
        deferralsByReason = try tally(&r)
        deferredOnce = try r.nonNegative()
        for _ in 0..<(try r.count()) {
            let host = Symbol(raw: UInt32(try r.index(below: symbols)))
            var c = HostCounts()
            c.received = try r.nonNegative(); c.delivered = try r.nonNegative(); c.bounced = try r.nonNegative()
            c.deferred = try r.nonNegative(); c.rejected = try r.nonNegative()
            byHost[host] = c
        }
        try Self.restore(&latency, from: &r)
        try Self.restore(&filterRoundTrip, from: &r)
        partialMessages = try r.nonNegative(); evicted = try r.nonNegative(); filterLinks = try r.nonNegative()
        try series.restore(&r)
        relinked = try r.nonNegative()
        droppedRecipients = try r.nonNegative(); droppedAttempts = try r.nonNegative()
    }

    /// A histogram as its non-empty buckets (the lowest value of each, delta-coded) and its exact maximum:
    /// percentiles and `max` read buckets only, so recording each bucket's value gives them back exactly.
    static func snapshot(_ h: Histogram<UInt64>, into w: inout SnapshotWriter) {
        var buckets: [(UInt64, UInt64)] = []
        for v in h.recordedValues() { buckets.append((h.lowestEquivalentForValue(v.value), v.count)) }
        w.count(buckets.count)
        var previous: UInt64 = 0
        for (value, count) in buckets {
            w.uint(value - previous)
            w.uint(count)
            previous = value
        }
        w.uint(h.maxRecorded)
    }

    static func restore(_ h: inout Histogram<UInt64>, from r: inout SnapshotReader) throws {
        let n = try r.count()
        var buckets: [(UInt64, UInt64)] = []
        var value: UInt64 = 0
        for _ in 0..<n {
            let (sum, overflow) = value.addingReportingOverflow(try r.uint())
            let count = try r.uint()
            // Bounded so that no hostile snapshot can overflow the histogram's counters or its size.
            guard !overflow, sum < 1 << 50, count > 0, count < 1 << 40 else { throw r.error("histogram bucket out of range") }
            value = sum
            buckets.append((value, count))
        }
        let max = try r.uint()
        guard max < 1 << 50 else { throw r.error("histogram maximum out of range") }
        for (value, count) in buckets {
            if h.lowestEquivalentForValue(max) == value {
                if count > 1 { h.record(value, count: count - 1) }
                h.record(max)
            } else {
                h.record(value, count: count)
            }
        }
    }
}
