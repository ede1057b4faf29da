/// The final state of a message (../shared/REPORT.md, `flow` block).
public enum MessageStatus: String, Sendable, CaseIterable {
    case delivered, bounced, expired, deferred, inFlight = "in_flight", held, discarded, spam, virus, lost, rejected

    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .delivered: 0
        case .bounced: 1
        case .expired: 2
        case .deferred: 3
        case .inFlight: 4
        case .held: 5
        case .discarded: 6
        case .spam: 7
        case .virus: 8
        case .lost: 9
        case .rejected: 10
        }
    }
}

/// A finished (or, at the end of the input, unfinished) message: one record
/// of `--messages`, and what the flow counters are made of.
public struct MessageRecord: Sendable {
    public struct Client: Sendable {
        public var host: String?
        public var ip: String?
        public var saslUsername: String?
    }

    /// One delivery attempt of one recipient, as Postfix logged it. The correlator keeps its
    /// attempts in this shape too, so a record shares them instead of copying each one.
    public struct Attempt: Sendable {
        public var time: Int64
        public var status: String
        public var relay: String?
        public var dsn: String?
        public var delaySeconds: Double?
        /// The deferral reason's label, the delivery agent (`smtp`, `lmtp`, `pipe`, `local`, …)
        /// and whether the relay is on this host: what the correlator decides with (not written).
        var reason: String? = nil
        var agent = ""
        var localRelay = false
    }

    public struct Recipient: Sendable {
        public var address: String
        public var status: String
        public var attempts: [Attempt]
    }

    public struct Filter: Sendable {
        public var engine: String
        public var verdict: String?
        public var roundTripSeconds: Double?
    }

    public var host: String
    public var isNotice: Bool
    public var direction: String
    public var queueIDs: [String]
    public var messageID: String?
    public var sender: String?
    public var size: Int?
    public var client: Client?
    public var received: Int64
    public var filter: Filter?
    public var recipients: [Recipient]
    public var status: MessageStatus
    public var finished: Int64?
    public var parent: String?
    /// Whether this message counts as received (not a notice, not refused at the end of DATA).
    public var countsAsReceived: Bool
    /// Seconds from receipt to the last delivery, for delivered messages.
    public var latencySeconds: Double?
}
