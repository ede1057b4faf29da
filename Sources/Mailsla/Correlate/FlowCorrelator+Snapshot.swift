import MailslaCore

/// The correlator's state is a graph of classes (hops point at their message,
/// messages list their hops, two maps point at hops). A snapshot numbers the
/// open messages in order and their hops in message order, writes each hop
/// inside its message, and writes the maps as hop numbers. Maps are written
/// sorted, so the same state always gives the same bytes.
///
/// `ready` is not written: the pipeline drains it after every batch, so it is
/// empty at every batch boundary, where snapshots are taken.
extension FlowCorrelator {
    func snapshot(into w: inout SnapshotWriter) {
        w.int(nextID); w.int(now); w.int(eventsSinceSweep); w.int(deferredQueue)
        var hopIndex: [ObjectIdentifier: Int] = [:]
        let messages = open[openHead...]
        w.count(messages.count)
        for message in messages {
            Self.snapshot(message, into: &w)
            w.count(message.hops.count)
            for hop in message.hops {
                hopIndex[ObjectIdentifier(hop)] = hopIndex.count
                Self.snapshot(hop, into: &w)
            }
        }
        // Only hops of held messages can be in the maps (the others' messages are gone).
        let live = hops.values.compactMap { hopIndex[ObjectIdentifier($0)] }.sorted()
        w.array(live) { $0.count($1) }
        let links = inFilterByMessageID.map { (key: $0.key.stored, value: $0.value) }.sorted { $0.key < $1.key }
            .filter { $0.value.map { hopIndex[ObjectIdentifier($0)] != nil } ?? true }
        w.array(links) { w, link in
            w.string(link.key)
            w.optional(link.value.flatMap { hopIndex[ObjectIdentifier($0)] }) { $0.count($1) }
        }
        health.snapshot(into: &w)
    }

    /// Loads a snapshot into this correlator, which must not have seen any event yet.
    func restore(_ r: inout SnapshotReader, symbols: Int) throws {
        let nextID = try r.nonNegative(), now = try r.int64(), eventsSinceSweep = try r.nonNegative()
        let deferredQueue = try r.nonNegative()
        var open: [FlowMessage] = []
        var all: [Hop] = []
        for _ in 0..<(try r.count()) {
            let message = try Self.readMessage(&r)
            for _ in 0..<(try r.count()) {
                let hop = try Self.readHop(&r, symbols: symbols)
                hop.message = message
                message.hops.append(hop)
                all.append(hop)
            }
            // A finished message is an empty shell; any other has its queue files (hops point at it unowned).
            guard message.finished == message.hops.isEmpty else { throw r.error("message \(message.id) is inconsistent") }
            open.append(message)
        }
        var hops: [QueueKey: Hop] = [:]
        for _ in 0..<(try r.count()) {
            let hop = all[try r.index(below: all.count)]
            hops[hop.key] = hop
        }
        var links: [MessageIDKey: Hop?] = [:]
        for _ in 0..<(try r.count()) {
            guard let key = MessageIDKey(stored: try r.string()) else { throw r.error("message-id link without its host") }
            let hop = try r.optional { all[try $0.index(below: all.count)] }
            hop?.inLinkMap = true
            links[key] = .some(hop)
        }
        var health = FlowHealth()
        try health.restore(&r, symbols: symbols)
        // Everything read: only now does the correlator change.
        self.nextID = nextID
        self.now = now
        self.eventsSinceSweep = eventsSinceSweep
        self.deferredQueue = deferredQueue
        self.open = open
        openHead = 0
        self.hops = hops
        inFilterByMessageID = links
        self.health = health
    }

    private static func snapshot(_ m: FlowMessage, into w: inout SnapshotWriter) {
        w.int(m.id)
        w.count((m.isNotice ? 1 : 0) | (m.inDeferredQueue ? 2 : 0) | (m.filterBlocked ? 4 : 0) | (m.finished ? 8 : 0))
        w.optionalString(m.parentQueueID); w.optionalString(m.filterEngine); w.optionalString(m.filterVerdict)
        w.optionalDouble(m.filterRoundTrip); w.optionalInt(m.doneAt)
    }

    private static func readMessage(_ r: inout SnapshotReader) throws -> FlowMessage {
        let m = FlowMessage(id: try r.nonNegative())
        let flags = try r.uint()
        m.isNotice = flags & 1 != 0; m.inDeferredQueue = flags & 2 != 0; m.filterBlocked = flags & 4 != 0
        m.finished = flags & 8 != 0
        m.parentQueueID = try r.optionalString(); m.filterEngine = try r.optionalString()
        m.filterVerdict = try r.optionalString(); m.filterRoundTrip = try r.optionalDouble(); m.doneAt = try r.optionalInt()
        return m
    }

    private static func snapshot(_ h: Hop, into w: inout SnapshotWriter) {
        w.count(Int(h.key.host.raw)); w.count(Int(h.key.length))
        w.fixed64(h.key.a); w.fixed64(h.key.b); w.fixed64(h.key.c)
        w.string(h.queueID); w.int(h.firstSeen); w.int(h.lastSeen)
        w.optionalString(h.clientHost); w.optionalString(h.clientIP); w.optionalString(h.saslUsername)
        let flags = [h.pickedUp, h.localClient, h.proxyAccepted, h.forwarded, h.expired, h.held, h.discarded,
                     h.milterRejected, h.deferredOnce]
        w.count(flags.enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) })
        w.optionalString(h.messageID); w.optionalString(h.sender); w.optionalInt(h.size.map(Int64.init))
        w.array(h.recipients) { w, r in
            w.string(r.address)
            w.array(r.attempts) { w, a in
                w.int(a.time); w.string(a.status); w.optionalString(a.relay); w.optionalString(a.dsn)
                w.optionalDouble(a.delaySeconds); w.optionalString(a.reason); w.string(a.agent); w.bool(a.localRelay)
            }
        }
        w.array(h.filterHandoffs.all) { w, f in
            w.int(f.time); w.optionalString(f.newQueueID); w.int(f.start)
        }
        w.optionalInt(h.ended)
    }

    private static func readHop(_ r: inout SnapshotReader, symbols: Int) throws -> Hop {
        let host = Symbol(raw: UInt32(try r.index(below: symbols)))
        let length = try r.index(below: 25)
        let key = QueueKey(host: host, length: UInt8(length), a: try r.fixed64(), b: try r.fixed64(), c: try r.fixed64())
        let h = Hop(key: key, queueID: try r.string(), time: try r.int64())
        h.lastSeen = try r.int64()
        h.clientHost = try r.optionalString(); h.clientIP = try r.optionalString(); h.saslUsername = try r.optionalString()
        let flags = try r.uint()
        func flag(_ i: Int) -> Bool { flags & (1 << UInt64(i)) != 0 }
        h.pickedUp = flag(0); h.localClient = flag(1); h.proxyAccepted = flag(2); h.forwarded = flag(3)
        h.expired = flag(4); h.held = flag(5); h.discarded = flag(6); h.milterRejected = flag(7); h.deferredOnce = flag(8)
        h.messageID = try r.optionalString(); h.sender = try r.optionalString(); h.size = try r.optionalInt().map { Int($0) }
        h.recipients = try r.array { r in
            var state = RecipientState(address: try r.string())
            state.attempts = try r.array { r in
                DeliveryAttempt(time: try r.int64(), status: try r.string(), relay: try r.optionalString(),
                                dsn: try r.optionalString(), delaySeconds: try r.optionalDouble(),
                                reason: try r.optionalString(), agent: try r.string(), localRelay: try r.bool())
            }
            return state
        }
        h.filterHandoffs = FilterHandoffs(try r.array { r in
            FilterHandoff(time: try r.int64(), newQueueID: try r.optionalString(), start: try r.int64())
        })
        h.ended = try r.optionalInt()
        return h
    }
}

extension QueueKey {
    /// A key as a snapshot stored it (its packed words, not re-derived from text).
    init(host: Symbol, length: UInt8, a: UInt64, b: UInt64, c: UInt64) {
        self.host = host
        self.length = length
        self.a = a
        self.b = b
        self.c = c
    }
}
