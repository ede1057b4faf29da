import Histogram
import MailslaCore

/// Counts and distributions of the correlated flow: the report's `flow` block.
public struct FlowHealth: Sendable {
    /// Per-host figures (the report's `flow.by_host`).
    public struct HostCounts: Sendable {
        public var received = 0, delivered = 0, bounced = 0, deferred = 0, rejected = 0
    }

    /// Messages by status; a status never counted is absent.
    public var counts: [MessageStatus: Int] {
        get {
            var out: [MessageStatus: Int] = [:]
            for (i, status) in MessageStatus.allCases.enumerated() where statusCounts[i] > 0 { out[status] = statusCounts[i] }
            return out
        }
        set {
            for (i, status) in MessageStatus.allCases.enumerated() { statusCounts[i] = newValue[status] ?? 0 }
        }
    }
    /// `counts` by `MessageStatus.allCases` index: counting a message into a dictionary (hashing
    /// the status) was a quarter of `count(_:host:)`.
    private var statusCounts = [Int](repeating: 0, count: MessageStatus.allCases.count)
    public var received = 0
    public var ndn = 0
    public var spam = 0
    public var virus = 0
    public var rejected = 0
    public var rejectedByReason: [String: Int] = [:]
    /// Delivery attempts by status.
    public var attemptsByStatus: [String: Int] {
        get {
            var out = otherAttempts
            for (i, word) in Self.attemptStatuses.enumerated() where knownAttempts[i] > 0 { out[word] = knownAttempts[i] }
            return out
        }
        set {
            otherAttempts = newValue
            for (i, word) in Self.attemptStatuses.enumerated() { knownAttempts[i] = otherAttempts.removeValue(forKey: word) ?? 0 }
        }
    }
    /// The statuses Postfix logs, counted by their index here (`countAttempt(status:known:reason:)`):
    /// hashing the status string into a dictionary per delivery cost more than the rest of the count.
    static let attemptStatuses = ["sent", "deferred", "bounced", "expired"]
    /// The indexes of `sent` and `deferred` in `attemptStatuses`.
    static let sent = 0, deferred = 1
    private var knownAttempts = [Int](repeating: 0, count: FlowHealth.attemptStatuses.count)
    /// Attempts of any other status.
    private var otherAttempts: [String: Int] = [:]
    public var deferralsByReason: [String: Int] = [:]
    /// Messages deferred at least once, whatever became of them (pflogsumm's "deferred").
    public var deferredOnce = 0
    public var byHost: [Symbol: HostCounts] = [:]
    /// End-to-end latency and filter round trip, in milliseconds. They start with the range of a
    /// week (what `FlowSettings.maxAgeSeconds` keeps by default) rather than growing to it one
    /// value at a time; longer values still widen them.
    public var latency = Histogram<UInt64>(highestTrackableValue: FlowHealth.initialRangeMs, numberOfSignificantValueDigits: .three)
    public var filterRoundTrip = Histogram<UInt64>(highestTrackableValue: FlowHealth.initialRangeMs, numberOfSignificantValueDigits: .three)
    static let initialRangeMs: UInt64 = 7 * 86_400_000
    /// Messages whose first lines were not in the input (the log started mid-flight).
    public var partialMessages = 0
    /// Messages evicted unfinished to keep memory bounded.
    public var evicted = 0
    /// Recipients past `FlowSettings.maxRecipientsPerQueueFile`, and attempts past
    /// `maxAttemptsPerRecipient`, not kept (their attempts still count in `attemptsByStatus`).
    public var droppedRecipients = 0
    public var droppedAttempts = 0
    public var filterLinks = 0
    /// The flow hour by hour.
    public var series = FlowSeries()
    /// Re-injected copies moved from a tentative (message-id) link to the one the hand-off named.
    public var relinked = 0

    public init() {
        latency.autoResize = true
        filterRoundTrip.autoResize = true
    }

    public subscript(status: MessageStatus) -> Int { statusCounts[status.index] }

    mutating func countReject(label: String?, host: Symbol) {
        rejected += 1
        series.current.rejected += 1
        rejectedByReason[label ?? "other", default: 0] += 1
        byHost[host, default: HostCounts()].rejected += 1
    }

    private static func count(_ c: inout HostCounts, status: MessageStatus, received: Bool) {
        if received { c.received += 1 }
        switch status {
        case .delivered: c.delivered += 1
        case .bounced: c.bounced += 1
        case .deferred: c.deferred += 1
        default: break
        }
    }

    /// `known` is the status's index in `attemptStatuses`, if it is one of them.
    mutating func countAttempt(status: String, known: Int?, reason: String?) {
        if let known { knownAttempts[known] += 1 } else { otherAttempts[status, default: 0] += 1 }
        if known == Self.deferred { deferralsByReason[reason ?? "other", default: 0] += 1 }
    }

    mutating func count(_ message: MessageOutcome, host: Symbol) {
        if message.isNotice {
            ndn += 1
            return
        }
        if message.status == .rejected { return }
        if message.deferredOnce { deferredOnce += 1 }
        series.count(message)
        if message.countsAsReceived { received += 1 }
        statusCounts[message.status.index] += 1
        // One lookup of the host's entry for all of its counts (an entry is made only when one changes).
        let status = message.status
        if message.countsAsReceived || status == .delivered || status == .bounced || status == .deferred {
            Self.count(&byHost[host, default: HostCounts()], status: status, received: message.countsAsReceived)
        }
        if message.spamVerdict || message.status == .spam { spam += 1 }
        if message.virusVerdict || message.status == .virus { virus += 1 }
        if let latency = message.latencySeconds { _ = self.latency.record(UInt64(latency * 1000)) }
        if let trip = message.filterRoundTripSeconds { _ = filterRoundTrip.record(UInt64(trip * 1000)) }
    }
}
