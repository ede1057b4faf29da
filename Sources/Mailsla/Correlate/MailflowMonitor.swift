import MailslaCore
import MailslaRules
import MailslaSLA

/// Turns the correlated flow into `mailflow` test results, one per interval
/// (all hosts together: the flow is one system), in the same form as external probe results, so the SLA engine
/// can judge the internal flow (MTA → filter → MTA → mailbox) from the logs.
///
/// An interval **fails** when the loop showed a break: the filter or the
/// mailbox server was unreachable, a message handed to the filter never came
/// back (lost), or every delivery to the mailbox server failed. It **passes**
/// when mail went through and nothing broke. An interval with no mail and no
/// fault has no test: the logs cannot tell, so the SLA engine sees no data.
public struct MailflowMonitor {
    public let intervalSeconds: Int64
    /// Indexed by event kind id: whether the kind is a fault of the loop.
    private let faults: [Bool]
    private let deliveryKind: UInt16?
    private let statusField: UInt16?, relayIPField: UInt16?, relaySocketField: UInt16?, relayField: UInt16?
    var buckets: [Int64: Bucket] = [:]

    struct Bucket {
        var delivered = 0
        var localFailures = 0
        var faults: [String: Int] = [:]
        var lost = 0
    }

    public init(rules: RuleSet, intervalSeconds: Int64 = 300) {
        self.intervalSeconds = intervalSeconds
        var faults = [Bool](repeating: false, count: rules.kinds.count)
        for name in ["fault.filter_unreachable", "fault.lmtp_unreachable", "fault.transport_unreachable", "fault.filter_error"] {
            if let kind = rules.kindIndex(name) { faults[Int(kind)] = true }
        }
        self.faults = faults
        deliveryKind = rules.kindIndex("flow.delivery")
        statusField = rules.fieldIndex("status")
        relayIPField = rules.fieldIndex("relay_ip")
        relaySocketField = rules.fieldIndex("relay_socket")
        relayField = rules.fieldIndex("relay")
    }

    private func bucketStart(_ micros: Int64) -> Int64 {
        let step = intervalSeconds * 1_000_000
        return micros >= 0 ? micros / step * step : ((micros - step + 1) / step) * step
    }

    /// Counts one event of a batch. Called by `FlowCorrelator.consume(_:_:observing:)` in its own pass
    /// over the batch: a second pass found each delivery's record and bytes evicted from the cache.
    @inline(__always)
    mutating func observe(_ event: ClassifiedEvent, records: UnsafeBufferPointer<LogRecord>,
                          captures: UnsafeBufferPointer<Capture>, bytes: UnsafeBufferPointer<UInt8>, rules: RuleSet) {
        let isFault = Int(event.kind) < faults.count && faults[Int(event.kind)]
        guard isFault || event.kind == deliveryKind else { return }
        let record = records[Int(event.record)]
        guard record.time != LogRecord.noTime else { return }
        if isFault {
            buckets[bucketStart(record.time), default: Bucket()].faults[rules.kinds[Int(event.kind)], default: 0] += 1
            return
        }
        // Read on the captured bytes: no string per delivery (FieldBytes answers as the strings would).
        func value(_ field: UInt16?) -> UnsafeBufferPointer<UInt8>? {
            guard let field else { return nil }
            for c in captures[Int(event.firstCapture)..<Int(event.firstCapture) + Int(event.captureCount)]
            where c.field == field {
                return UnsafeBufferPointer(rebasing: bytes[Int(c.start)..<Int(c.end)])
            }
            return nil
        }
        let local = value(relaySocketField) != nil || value(relayIPField).map(FieldBytes.isLoopback) ?? false
            || value(relayField).map(Self.isMailboxRelay) ?? false
        guard local, let status = value(statusField) else { return }
        if FieldBytes.equals(status, "sent") {
            buckets[bucketStart(record.time), default: Bucket()].delivered += 1
        } else if FieldBytes.equals(status, "deferred") {
            buckets[bucketStart(record.time), default: Bucket()].localFailures += 1
        }
    }

    /// `relay=dovecot`, `local` or `virtual`. No non-ASCII character is canonically equivalent to a
    /// letter of these words, so byte equality is the strings' equality.
    private static func isMailboxRelay(_ relay: UnsafeBufferPointer<UInt8>) -> Bool {
        FieldBytes.equals(relay, "dovecot") || FieldBytes.equals(relay, "local") || FieldBytes.equals(relay, "virtual")
    }

    /// Lost messages count against the interval in which they were handed to the filter.
    /// `received` holds the `received` times of the lost messages.
    mutating func accountLost(received: [Int64]) {
        for time in received {
            buckets[bucketStart(time), default: Bucket()].lost += 1
        }
    }

    /// The tests so far, in time order (the interval's end is the test's time).
    public func tests() -> [ProbeTest] {
        buckets.keys.sorted().compactMap { start in
            let b = buckets[start]!
            var problems: [String] = b.faults.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
            if b.lost > 0 { problems.append("lost in filter ×\(b.lost)") }
            if b.localFailures > 0 && b.delivered == 0 { problems.append("mailbox deliveries deferred ×\(b.localFailures)") }
            if problems.isEmpty && b.delivered == 0 { return nil }
            return ProbeTest(time: start + intervalSeconds * 1_000_000, ok: problems.isEmpty, latencyMs: nil,
                             error: problems.joined(separator: ", "))
        }
    }
}
