import CLineScan

/// One delivery attempt of one recipient (the record's attempt: records share the correlator's).
typealias DeliveryAttempt = MessageRecord.Attempt

/// A recipient of one queue file and its attempts in order.
struct RecipientState {
    var address: String
    var attempts: [DeliveryAttempt] = []
}

/// A hand-off to a content filter: when, the id the message came back under (if the reply said),
/// and when the filter's part began (the hand-off time less the delivery's own delays).
struct FilterHandoff {
    var time: Int64
    var newQueueID: String?
    var start: Int64
}

/// A queue file's hand-offs to content filters in order. Almost every filtered queue file has
/// exactly one: the last is kept inline, so that one needs no array (an allocation and its free
/// per filtered message); only `snapshot` reads the earlier ones.
struct FilterHandoffs {
    private(set) var last: FilterHandoff?
    private var earlier: [FilterHandoff] = []

    init() {}

    init(_ all: [FilterHandoff]) {
        for handoff in all { append(handoff) }
    }

    var isEmpty: Bool { last == nil }

    /// Every hand-off, oldest first.
    var all: [FilterHandoff] { last.map { earlier + [$0] } ?? [] }

    mutating func append(_ handoff: FilterHandoff) {
        if let last { earlier.append(last) }
        last = handoff
    }
}

/// One queue file's life: from `client=`/pickup to `removed` (or another end).
/// A queue id is reused over time, so a hop is the id *and* this lifetime.
///
/// Hops and messages belong to one correlator, used on one thread: their fields skip the
/// dynamic exclusivity checks (as `FlowCorrelator`'s do).
final class Hop {
    let key: QueueKey
    let queueID: String
    @exclusivity(unchecked) var firstSeen: Int64
    @exclusivity(unchecked) var lastSeen: Int64
    @exclusivity(unchecked) var clientHost: String?
    @exclusivity(unchecked) var clientIP: String?
    @exclusivity(unchecked) var saslUsername: String?
    @exclusivity(unchecked) var pickedUp = false
    /// The client was this host or a filter address: possibly a content filter's re-injection.
    @exclusivity(unchecked) var localClient = false
    /// A before-queue proxy said this queue id holds a message it accepted from a client.
    @exclusivity(unchecked) var proxyAccepted = false
    /// Created by local(8) forwarding the message on: part of the same message, not a filter hop.
    @exclusivity(unchecked) var forwarded = false
    @exclusivity(unchecked) var messageID: String?
    @exclusivity(unchecked) var sender: String?
    @exclusivity(unchecked) var size: Int?
    @exclusivity(unchecked) var recipients: [RecipientState] = []
    /// Hand-offs to a content filter: when, and the id the message came back under (if said).
    @exclusivity(unchecked) var filterHandoffs = FilterHandoffs()
    @exclusivity(unchecked) var ended: Int64?
    @exclusivity(unchecked) var expired = false
    @exclusivity(unchecked) var held = false
    @exclusivity(unchecked) var discarded = false
    @exclusivity(unchecked) var milterRejected = false
    @exclusivity(unchecked) var deferredOnce = false
    /// Stored in the correlator's message-id map (it may have been replaced there since): only
    /// such a hop needs the map looked up when it ends.
    @exclusivity(unchecked) var inLinkMap = false
    @exclusivity(unchecked) unowned(unsafe) var message: FlowMessage!

    init(key: QueueKey, queueID: String, time: Int64) {
        self.key = key
        self.queueID = queueID
        firstSeen = time
        lastSeen = time
    }

    /// The recipient's slot, added if new; nil when it is new and `limit` recipients are already held.
    func recipientIndex(_ address: String, limit: Int = .max) -> Int? {
        if recipients.count > Self.scannedRecipients {
            if recipientSlots == nil {
                recipientSlots = Dictionary(recipients.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
            }
            if let i = recipientSlots![address] { return i }
        } else if let i = recipients.firstIndex(where: { $0.address == address }) {
            return i
        }
        guard recipients.count < limit else { return nil }
        recipients.append(RecipientState(address: address))
        recipientSlots?[address] = recipients.count - 1
        return recipients.count - 1
    }

    /// Up to this many recipients a delivery line finds its slot by a scan; past it, by
    /// `recipientSlots`. A scan per line made a newsletter quadratic: 50,000 deliveries of one
    /// queue file (10,000 recipients held) took 7.4 s.
    static let scannedRecipients = 16
    /// Slot by address, built once the queue file holds more than `scannedRecipients` (and again
    /// after a restore, which sets `recipients` alone).
    @exclusivity(unchecked) private var recipientSlots: [String: Int]?
}

/// A message as the user thinks of it: every queue file it passed through
/// (the original, the copy a content filter re-injected), counted once.
final class FlowMessage {
    let id: Int
    @exclusivity(unchecked) var hops: [Hop] = []
    @exclusivity(unchecked) var isNotice = false
    /// Counted in the correlator's deferred-queue size.
    @exclusivity(unchecked) var inDeferredQueue = false
    @exclusivity(unchecked) var parentQueueID: String?
    @exclusivity(unchecked) var filterEngine: String?
    @exclusivity(unchecked) var filterVerdict: String?
    @exclusivity(unchecked) var filterBlocked = false
    @exclusivity(unchecked) var filterRoundTrip: Double?
    /// The event time at which every hop had ended; the record is written a grace period later.
    @exclusivity(unchecked) var doneAt: Int64?
    @exclusivity(unchecked) var finished = false

    init(id: Int) { self.id = id }

    var root: Hop { hops[0] }
    /// The latest event of any hop (0 without hops). A loop, not `map(…).max()`: every sweep asks
    /// it of every open message, and an array per call made a flood of open messages allocate.
    var lastSeen: Int64 {
        guard var latest = hops.first?.lastSeen else { return 0 }
        for hop in hops.dropFirst() where hop.lastSeen > latest { latest = hop.lastSeen }
        return latest
    }

    // Prefetch hints for the sweep, which visits the open messages in creation order, most of them
    // last touched minutes of log earlier: the messages six, four and two places ahead of `index` are
    // asked for their object, their hop array and their hops, each step reading only what an earlier
    // one fetched. References are read from the list and used unretained (a retain is a write to the
    // object, the very access to avoid waiting for).

    /// `messages` holds `count` references (the correlator's open list); `index` is the one being swept.
    @inline(__always)
    static func prefetch(_ messages: UnsafeRawPointer, count: Int, ahead index: Int) {
        @inline(__always)
        func at(_ k: Int, _ body: (FlowMessage) -> Void) {
            guard k < count else { return }
            let ref = messages.load(fromByteOffset: k * MemoryLayout<FlowMessage>.stride, as: UnsafeRawPointer.self)
            Unmanaged<FlowMessage>.fromOpaque(ref)._withUnsafeGuaranteedRef(body)
        }
        at(index &+ 6) { $0.prefetchSelf() }
        at(index &+ 4) { $0.prefetchHopArray() }
        at(index &+ 2) { $0.prefetchHops() }
        at(index &+ 1) { $0.prefetchRecipients() }
    }

    /// Asks for this object's fields.
    @inline(__always)
    func prefetchSelf() {
        let p = Unmanaged.passUnretained(self).toOpaque()
        line_scan_prefetch(p)
        line_scan_prefetch(p + 64)
    }

    /// Asks for the hop array's header and first references (its address is not a load from it).
    @inline(__always)
    func prefetchHopArray() {
        if let p = hops._baseAddressIfContiguous { line_scan_prefetch(UnsafeRawPointer(p) - 32) }
    }

    /// Asks for the first two hops' fields.
    @inline(__always)
    func prefetchHops() {
        forFirstHops { hop in
            for line in 0..<4 { line_scan_prefetch(hop + line * 64) }
        }
    }

    /// Asks for the first two hops' recipient arrays (the hops themselves were asked for earlier).
    @inline(__always)
    func prefetchRecipients() {
        forFirstHops { ref in
            Unmanaged<Hop>.fromOpaque(ref)._withUnsafeGuaranteedRef { hop in
                if let r = hop.recipients._baseAddressIfContiguous {
                    line_scan_prefetch(UnsafeRawPointer(r) - 32)
                    line_scan_prefetch(UnsafeRawPointer(r) + 32)
                }
            }
        }
    }

    /// The first two hops' references, read from the array without retaining them.
    @inline(__always)
    private func forFirstHops(_ body: (UnsafeRawPointer) -> Void) {
        guard let p = hops._baseAddressIfContiguous else { return }
        let raw = UnsafeRawPointer(p)
        for i in 0..<min(hops.count, 2) {
            body(raw.load(fromByteOffset: i * MemoryLayout<Hop>.stride, as: UnsafeRawPointer.self))
        }
    }
}
