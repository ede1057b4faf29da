/// One delivery attempt of one recipient (the record's attempt: records share the correlator's).
typealias DeliveryAttempt = MessageRecord.Attempt

/// A recipient of one queue file and its attempts in order.
struct RecipientState {
    var address: String
    var attempts: [DeliveryAttempt] = []
}

/// One queue file's life: from `client=`/pickup to `removed` (or another end).
/// A queue id is reused over time, so a hop is the id *and* this lifetime.
final class Hop {
    let key: QueueKey
    let queueID: String
    var firstSeen: Int64
    var lastSeen: Int64
    var clientHost: String?
    var clientIP: String?
    var saslUsername: String?
    var pickedUp = false
    /// The client was this host or a filter address: possibly a content filter's re-injection.
    var localClient = false
    /// A before-queue proxy said this queue id holds a message it accepted from a client.
    var proxyAccepted = false
    /// Created by local(8) forwarding the message on: part of the same message, not a filter hop.
    var forwarded = false
    var messageID: String?
    var sender: String?
    var size: Int?
    var recipients: [RecipientState] = []
    /// Hand-offs to a content filter: when, and the id the message came back under (if said).
    var filterHandoffs: [(time: Int64, newQueueID: String?, start: Int64)] = []
    var ended: Int64?
    var expired = false
    var held = false
    var discarded = false
    var milterRejected = false
    var deferredOnce = false
    /// Stored in the correlator's message-id map (it may have been replaced there since): only
    /// such a hop needs the map looked up when it ends.
    var inLinkMap = false
    unowned(unsafe) var message: FlowMessage!

    init(key: QueueKey, queueID: String, time: Int64) {
        self.key = key
        self.queueID = queueID
        firstSeen = time
        lastSeen = time
    }

    /// The recipient's slot, added if new; nil when it is new and `limit` recipients are already held.
    func recipientIndex(_ address: String, limit: Int = .max) -> Int? {
        if let i = recipients.firstIndex(where: { $0.address == address }) { return i }
        guard recipients.count < limit else { return nil }
        recipients.append(RecipientState(address: address))
        return recipients.count - 1
    }
}

/// A message as the user thinks of it: every queue file it passed through
/// (the original, the copy a content filter re-injected), counted once.
final class FlowMessage {
    let id: Int
    var hops: [Hop] = []
    var isNotice = false
    /// Counted in the correlator's deferred-queue size.
    var inDeferredQueue = false
    var parentQueueID: String?
    var filterEngine: String?
    var filterVerdict: String?
    var filterBlocked = false
    var filterRoundTrip: Double?
    /// The event time at which every hop had ended; the record is written a grace period later.
    var doneAt: Int64?
    var finished = false

    init(id: Int) { self.id = id }

    var root: Hop { hops[0] }
    var lastSeen: Int64 { hops.map(\.lastSeen).max() ?? 0 }
}
