import MailslaCore
import MailslaRules

/// Follows every message through Postfix, the content filter and delivery,
/// so that it is counted once however many queue files it passed through.
///
/// A synchronous state machine fed with classified events in time order.
/// Hops (queue files) are keyed by host and queue id; a filter's
/// re-injected copy is linked to its original by the hand-off reply
/// (`queued as Q2` from a local relay), by the filter's own log
/// (`Queue-ID: Q1 … queued_as: Q2`) or, while the original is still in the
/// filter, by the message-id. Finished messages wait `graceSeconds` of event
/// time for late links, then come out of `drain()`. Memory is bounded:
/// stale state is evicted and counted.
public final class FlowCorrelator {
    public let settings: FlowSettings
    let symbols: SymbolTable
    public let rules: RuleSet
    let vocabulary: FlowVocabulary
    let matcher: PatternMatcher
    /// Strings of kept fields, shared with an equal recent one (allocations were a third of the work).
    let strings = RecentStrings()

    // Unchecked exclusivity on the mutable state: a correlator is confined to one thread and
    // never re-enters itself, and the dynamic checks of a class's fields (a `swift_beginAccess`
    // and `swift_endAccess` per field access) were ~8 % of its instructions.
    @exclusivity(unchecked) var hops: [QueueKey: Hop] = [:]
    @exclusivity(unchecked) var open: [FlowMessage] = []
    @exclusivity(unchecked) var openHead = 0
    @exclusivity(unchecked) var nextID = 0
    @exclusivity(unchecked) var now: Int64 = .min
    @exclusivity(unchecked) var ready: [MessageRecord] = []
    /// The `received` times of the lost messages written out since the last `drainLost()`.
    @exclusivity(unchecked) var readyLost: [Int64] = []
    /// Whether finished messages become records (`drain()`): off, only the counters learn of them,
    /// and the records' strings and arrays are never made, nor the fields only a record shows
    /// (the client's name, each attempt's relay and DSN). Set it before the first event.
    public var keepsRecords = true
    /// Messages still in a filter, by host and message-id, for linking the re-injected copy.
    /// A nil value means two live messages share the id: too ambiguous to link by it.
    @exclusivity(unchecked) var inFilterByMessageID: [MessageIDKey: Hop?] = [:]
    @exclusivity(unchecked) var eventsSinceSweep = 0
    /// Messages deferred at least once and not finished: the deferred queue as the logs show it.
    @exclusivity(unchecked) var deferredQueue = 0
    /// The daemon part of each program symbol (`smtp` of `postfix/amavis/smtp`), computed once.
    @exclusivity(unchecked) private var daemons: [Agent?] = []
    /// Delivery statuses, answered without making a string per delivery.
    private let statuses = KnownWords(FlowHealth.attemptStatuses)

    @exclusivity(unchecked) public internal(set) var health = FlowHealth()

    public init(rules: RuleSet, symbols: SymbolTable, settings: FlowSettings = FlowSettings()) {
        self.rules = rules
        self.symbols = symbols
        self.settings = settings
        vocabulary = FlowVocabulary(rules: rules)
        matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
    }

    /// Unfinished messages held now.
    public var openMessages: Int { open.count - openHead }

    /// Feeds one classified batch.
    public func consume(_ batch: RecordBatch, _ events: EventBatch) {
        consume(batch, events) { _, _, _, _ in }
    }

    /// Feeds one classified batch, and shows each of its events to `observe` in the same pass, before
    /// the correlator's own use (the mail-flow monitor: its own later pass over the batch missed the
    /// cache on the records and bytes this one had just read).
    @inline(__always)
    func consume(_ batch: RecordBatch, _ events: EventBatch,
                 observing observe: (ClassifiedEvent, UnsafeBufferPointer<LogRecord>, UnsafeBufferPointer<Capture>,
                                     UnsafeBufferPointer<UInt8>) -> Void) {
        let kinds = vocabulary.kinds
        batch.bytes.withUnsafeBufferPointer { bytes in
            events.captures.withUnsafeBufferPointer { captures in
                batch.records.withUnsafeBufferPointer { records in
                    events.events.withUnsafeBufferPointer { list in
                        for i in list.indices {
                            let event = list[i]
                            CapturePrefetch.ahead(of: i, in: list, captures: captures, records: records, bytes: bytes) {
                                kinds[Int($0.kind)] != nil
                            }
                            observe(event, records, captures, bytes)
                            guard let kind = kinds[Int(event.kind)] else { continue }
                            let record = records[Int(event.record)]
                            if record.time != LogRecord.noTime, record.time > now {
                                now = record.time
                                health.series.advance(to: now, deferredQueue: deferredQueue)
                            }
                            let view = EventView(event: event, captures: captures, bytes: bytes, rules: rules, matcher: matcher,
                                                 strings: strings)
                            handle(kind, view, record: record)
                            // A sweep visits every open message: every 4,096 events, or every eighth of the
                            // open messages when there are more (a flood of queue ids that never finish), so
                            // an event pays at most ~8 visits. Counted in events, not batches: what is
                            // written out, in which order, and the queue sizes the hours record are then
                            // the same whatever the read block size, the input (file, gzip, journal) or
                            // the timing of a live source.
                            eventsSinceSweep += 1
                            if eventsSinceSweep >= max(4096, openMessages / 8) {
                                eventsSinceSweep = 0
                                sweep(final: false)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Records of messages that are finished and past their grace period.
    public func drain() -> [MessageRecord] {
        defer { ready.removeAll(keepingCapacity: true) }
        return ready
    }

    /// The `received` times of the messages written out as lost since the last call (with or without records).
    public func drainLost() -> [Int64] {
        defer { readyLost.removeAll(keepingCapacity: true) }
        return readyLost
    }

    /// The input ended: every message still open is written with its current state.
    public func finish() {
        sweep(final: true)
    }

    /// Writes out the finished messages whose grace period has passed by `time` (UTC
    /// microseconds, or the last event's time if later), without waiting for the periodic
    /// sweep every 4,096 events: a quiet live source can take hours to bring that many, and
    /// `mailsla tail` (its flow counts, the `mailflow` probe) wants a message once it is due.
    /// Call it only when every line logged before `time` has been read. Replay never calls it.
    public func release(asOf time: Int64) {
        sweep(final: false, graceNow: max(now, time))
    }

    // MARK: events

    private func handle(_ kind: FlowVocabulary.Kind, _ e: EventView, record: LogRecord) {
        let t = record.time == LogRecord.noTime ? now : record.time
        let host = record.host
        switch kind {
        case .reject, .proxyReject:
            health.countReject(label: e.label(vocabulary.reason), host: host)
            return
        case .client:
            guard let (key, capture) = key(e, host) else { return }
            let hop = startHop(key, e.string(capture), at: t)
            // Only a record shows the client's name: without records it is not made.
            if keepsRecords { hop.clientHost = e.text(vocabulary.clientHost) }
            let ip = e.capture(vocabulary.clientIP)
            hop.clientIP = ip.map { e.string($0) }
            hop.saslUsername = e.text(vocabulary.saslUsername)
            // Tested on the bytes, as for relays: `isLocal` of them answers as of the string.
            hop.localClient = settings.isLocal(ip.map { e.bytes($0) })
        case .pickup:
            guard let (key, capture) = key(e, host) else { return }
            let hop = startHop(key, e.string(capture), at: t)
            hop.pickedUp = true
            if let sender = e.text(vocabulary.sender) { hop.sender = sender }
        case .messageID:
            guard let hop = hop(e, host, at: t) else { return }
            let id = e.text(vocabulary.messageID) ?? ""
            hop.messageID = id
            guard !id.isEmpty else { return }
            let k = MessageIDKey(host: host, id: id)
            if !hop.localClient {
                Self.claim(&inFilterByMessageID[k], for: hop)
            } else if hop.message.hops.count == 1, let candidate = inFilterByMessageID[k], let original = candidate,
                      original !== hop, original.ended == nil {
                link(child: hop, to: original, at: t, definitive: false)
            }
        case .queued:
            guard let hop = hop(e, host, at: t) else { return }
            if let sender = e.text(vocabulary.sender) { hop.sender = sender }
            if let size = e.integer(vocabulary.size) { hop.size = size }
        case .delivery:
            guard let hop = hop(e, host, at: t) else { return }
            delivery(hop, e, record: record, at: t)
        case .removed, .canceled, .deleted:
            guard let hop = hop(e, host, at: t, create: false) else { return }
            end(hop, at: t)
        case .expired:
            guard let hop = hop(e, host, at: t) else { return }
            hop.expired = true
        case .bounceNotice:
            guard let parent = hop(e, host, at: t), let newID = e.text(vocabulary.newQueueID) else { return }
            let notice = startHop(QueueKey(host: host, text: newID), newID, at: t)
            notice.message.isNotice = true
            notice.message.parentQueueID = parent.message.root.queueID
        case .hold:
            hop(e, host, at: t)?.held = true
        case .released:
            hop(e, host, at: t)?.held = false
        case .discard:
            hop(e, host, at: t)?.discarded = true
        case .milterReject:
            health.countReject(label: e.label(vocabulary.reason) ?? "milter", host: host)
            guard let hop = hop(e, host, at: t, create: false) else { return }
            hop.milterRejected = true
            end(hop, at: t)
        case .proxyAccept:
            guard let newID = e.text(vocabulary.newQueueID) ?? e.text(vocabulary.queueID) else { return }
            let key = QueueKey(host: host, text: newID)
            let hop = hops[key] ?? startHop(key, newID, at: t)
            hop.proxyAccepted = true
        case .filterVerdict:
            filterVerdict(e, record: record, at: t)
        }
    }

    private func delivery(_ hop: Hop, _ e: EventView, record: LogRecord, at t: Int64) {
        let statusBytes = e.capture(vocabulary.status).map { e.bytes($0) }
        let knownStatus = statusBytes.flatMap { statuses.index(for: $0) }
        let status = knownStatus.map { statuses[$0] } ?? statusBytes.map { strings.string($0) } ?? "unknown"
        // `status == "sent"` and `== "deferred"`, decided by the word's index: the bytes of an ASCII word
        // equal it exactly when the string does (no other string is canonically equivalent to one).
        let sent = knownStatus == FlowHealth.sent, deferred = knownStatus == FlowHealth.deferred
        let relayIsLocal = settings.isLocal(e.capture(vocabulary.relayIP).map { e.bytes($0) })
        let agent = daemon(record.program)
        let newIDCapture = e.capture(vocabulary.newQueueID)
        // smtp(8) to a local address is a filter hand-off; lmtp(8) to one only when the reply names the
        // re-queued copy: Dovecot's LMTP on 127.0.0.1 answers "Saved", a mailbox delivery.
        let toFilter = relayIsLocal && (agent.kind == .smtp || (agent.kind == .lmtp && newIDCapture != nil))
        if toFilter, sent {
            // A hand-off to a content filter, not a delivery: the message comes back under a new id.
            let delays = e.delays(vocabulary.delays)
            // At most a day: a corrupt delays= of many digits must not overflow the conversion.
            let seconds = min((delays?.2 ?? 0) + (delays?.3 ?? 0), 86_400)
            let start = t - Int64(seconds * 1_000_000)
            let newID = newIDCapture.map { e.string($0) }
            hop.filterHandoffs.append(FilterHandoff(time: t, newQueueID: newID, start: start))
            if let newID {
                let childKey = QueueKey(host: record.host, text: newID)
                let child = hops[childKey] ?? startHop(childKey, newID, at: t)
                link(child: child, to: hop, at: t, definitive: true)
            }
            return
        }
        let address = e.text(vocabulary.recipient) ?? ""
        let relayCapture = e.capture(vocabulary.relay) ?? e.capture(vocabulary.relayHost)
        // `relay == "local"` on the bytes: an ASCII word's bytes equal it exactly when the string does.
        let localRelay = relayIsLocal || e.capture(vocabulary.relaySocket) != nil || agent.kind.isLocalDelivery
            || relayCapture.map { FieldBytes.equals(e.bytes($0), "local") } == true
        // The reason's label is only ever read for a deferral (`deferralsByReason`): the map's
        // patterns run for those, not for every `sent` reply. The relay and the DSN are only shown
        // in a record: without records their strings are not made.
        let attempt = DeliveryAttempt(time: t, status: status, relay: keepsRecords ? relayCapture.map { e.string($0) } : nil,
                                      dsn: keepsRecords ? e.text(vocabulary.dsn) : nil,
                                      delaySeconds: e.decimal(vocabulary.delay),
                                      reason: deferred ? e.label(vocabulary.reason) : nil,
                                      agent: agent.name, localRelay: localRelay)
        if deferred {
            hop.deferredOnce = true
            if !hop.message.inDeferredQueue {
                hop.message.inDeferredQueue = true
                deferredQueue += 1
            }
        }
        // Bounded per queue file: recipients past the maximum are counted, not kept (the search is
        // linear); past the maximum of attempts the last one is overwritten, so the status stays current.
        guard let index = hop.recipientIndex(address, limit: settings.maxRecipientsPerQueueFile) else {
            health.droppedRecipients += 1
            health.countAttempt(status: status, known: knownStatus, reason: attempt.reason)
            return
        }
        if hop.recipients[index].attempts.count < settings.maxAttemptsPerRecipient {
            hop.recipients[index].attempts.append(attempt)
        } else {
            hop.recipients[index].attempts[hop.recipients[index].attempts.count - 1] = attempt
            health.droppedAttempts += 1
        }
        health.countAttempt(status: status, known: knownStatus, reason: attempt.reason)
        // local(8) forwarding (.forward, aliases to a remote address) continues the same message under a new id.
        if let newIDCapture, sent, agent.kind == .local {
            let newID = e.string(newIDCapture)
            let childKey = QueueKey(host: record.host, text: newID)
            let child = hops[childKey] ?? startHop(childKey, newID, at: t)
            child.forwarded = true
            link(child: child, to: hop, at: t, definitive: true)
        }
    }

    private func filterVerdict(_ e: EventView, record: LogRecord, at t: Int64) {
        let engine = daemon(record.program).name
        var original: Hop?
        if let qid = e.capture(vocabulary.queueID) {
            original = hops[textKey(e, qid, record.host)]
        } else if let mid = e.text(vocabulary.messageID) {
            original = inFilterByMessageID[MessageIDKey(host: record.host, id: mid)] ?? nil
        }
        guard let original else { return }
        let message = original.message!
        let verdict = e.text(vocabulary.verdict)
        message.filterEngine = engine
        if let verdict { message.filterVerdict = verdict }
        // Read on the action's bytes (only compared, never kept): ASCII case folding of a field
        // with a non-ASCII byte never equals an ASCII word, as with the string.
        if let action = e.capture(vocabulary.action).map({ e.bytes($0) }),
           FieldBytes.equalsIgnoringCase(action, "blocked") || FieldBytes.equalsIgnoringCase(action, "discarded")
            || FieldBytes.equalsIgnoringCase(action, "rejected") {
            message.filterBlocked = true
        }
        if let newID = e.capture(vocabulary.newQueueID) {
            let key = textKey(e, newID, record.host)
            let child = hops[key] ?? startHop(key, e.string(newID), at: t)
            link(child: child, to: original, at: t, definitive: true)
        }
    }

    // MARK: state

    private func daemon(_ program: Symbol) -> Agent {
        let i = Int(program.raw)
        if i < daemons.count, let known = daemons[i] { return known }
        if i >= daemons.count { daemons += [Agent?](repeating: nil, count: i + 1 - daemons.count) }
        let agent = Agent(name: ProgramName(symbols.name(program)).daemon)
        daemons[i] = agent
        return agent
    }

    /// The event's queue id as a key; its text is made only when a hop is created.
    private func key(_ e: EventView, _ host: Symbol) -> (QueueKey, Capture)? {
        guard let field = vocabulary.queueID, let capture = e.capture(field) else { return nil }
        return (QueueKey(host: host, bytes: e.bytes(capture)), capture)
    }

    /// A captured queue id's key as `QueueKey(host:text:)` of its text would make it, without the text
    /// (ASCII needs no repair, so its bytes are the text's).
    private func textKey(_ e: EventView, _ capture: Capture, _ host: Symbol) -> QueueKey {
        let b = e.bytes(capture)
        return FieldBytes.isASCII(b) ? QueueKey(host: host, bytes: b) : QueueKey(host: host, text: e.string(capture))
    }

    /// The live hop of the event's queue id; creates one (a message whose start was not in the input) if asked.
    @discardableResult
    private func hop(_ e: EventView, _ host: Symbol, at t: Int64, create: Bool = true) -> Hop? {
        guard let (key, capture) = key(e, host) else { return nil }
        if let hop = hops[key] {
            hop.lastSeen = max(hop.lastSeen, t)
            return hop
        }
        guard create else { return nil }
        health.partialMessages += 1
        return startHop(key, e.string(capture), at: t)
    }

    /// A new lifetime for a queue id: a reused id whose previous life ended starts a new message.
    private func startHop(_ key: QueueKey, _ qid: @autoclosure () -> String, at t: Int64) -> Hop {
        let (hop, isNew) = Self.lifetime(&hops[key], key: key, queueID: qid, at: t)
        guard isNew else { return hop }
        let message = FlowMessage(id: nextID)
        nextID += 1
        // Room for the re-injected copy too: most messages pass the content filter, and growing
        // the array from one hop to two reallocated it.
        message.hops.reserveCapacity(2)
        message.hops.append(hop)
        hop.message = message
        open.append(message)
        if openMessages > settings.maxMessages { evictOldest() }
        return hop
    }

    // The entries below are changed through the dictionaries' in-place accessor
    // (`&map[key]`): one hash and probe where a read and a write took two.

    /// The live hop in `entry`, or a new one stored there (`isNew`) when it is empty or its hop ended.
    private static func lifetime(_ entry: inout Hop?, key: QueueKey, queueID: () -> String,
                                 at t: Int64) -> (hop: Hop, isNew: Bool) {
        if let existing = entry, existing.ended == nil {
            existing.lastSeen = max(existing.lastSeen, t)
            return (existing, false)
        }
        let hop = Hop(key: key, queueID: queueID(), time: t)
        entry = hop
        return (hop, true)
    }

    /// Makes `hop` the message-id's entry, or marks the id ambiguous (`.some(nil)`) when another
    /// live message holds it.
    private static func claim(_ entry: inout Hop??, for hop: Hop) {
        if let existing = entry, existing !== hop, existing?.ended == nil {
            entry = .some(nil)
        } else {
            entry = hop
            hop.inLinkMap = true
        }
    }

    /// Empties `entry` if it holds `hop` (and not a later lifetime of its queue id).
    private static func remove(_ entry: inout Hop?, ifItIs hop: Hop) {
        if let current = entry, current === hop { entry = nil }
    }

    /// Empties the message-id's `entry` if it holds `hop` (not another message, not the ambiguous mark).
    private static func removeLink(_ entry: inout Hop??, ifItIs hop: Hop) {
        if let current = entry, current === hop { entry = nil }
    }

    /// The child's queue file joins the original's message: one message, several queue files.
    ///
    /// A definitive link (the hand-off reply, the filter's `queued_as`) moves a child that a
    /// tentative message-id link had put elsewhere; a tentative one never moves a linked child.
    private func link(child: Hop, to original: Hop, at t: Int64, definitive: Bool) {
        let target = original.message!
        let source = child.message!
        if source !== target {
            if source.hops.first === child {
                // The child heads its own message: bring it and whatever hangs off it.
                for hop in source.hops {
                    hop.message = target
                    target.hops.append(hop)
                }
                source.hops.removeAll()
                source.finished = true  // the empty shell is skipped by sweeps
            } else if definitive {
                source.hops.removeAll { $0 === child }
                if source.hops.allSatisfy({ $0.ended != nil }) { source.doneAt = source.hops.compactMap(\.ended).max() }
                child.message = target
                target.hops.append(child)
                health.relinked += 1
            } else {
                return
            }
            health.filterLinks += 1
        }
        if definitive || target.filterRoundTrip == nil, !child.forwarded {
            let start = original.filterHandoffs.last?.start ?? original.lastSeen
            target.filterRoundTrip = max(0, Double(child.firstSeen - start) / 1e6)
        }
        if target.doneAt != nil, child.ended == nil { target.doneAt = nil }
    }

    /// Takes the hop out of the message-id map if it is still the entry there.
    private func unlinkMessageID(_ hop: Hop) {
        guard hop.inLinkMap else { return }
        hop.inLinkMap = false
        guard let mid = hop.messageID, !mid.isEmpty else { return }
        Self.removeLink(&inFilterByMessageID[MessageIDKey(host: hop.key.host, id: mid)], ifItIs: hop)
    }

    private func end(_ hop: Hop, at t: Int64) {
        hop.ended = t
        hop.lastSeen = max(hop.lastSeen, t)
        unlinkMessageID(hop)
        let message = hop.message!
        if message.hops.allSatisfy({ $0.ended != nil }) { message.doneAt = t }
    }

    /// Writes out finished messages past their grace period, finds lost ones, evicts stale state.
    private func sweep(final: Bool, graceNow: Int64? = nil) {
        let graceNow = graceNow ?? now
        var kept: [FlowMessage] = []
        kept.reserveCapacity(openMessages)
        let count = open.count
        let list = open._baseAddressIfContiguous.map { UnsafeRawPointer($0) }
        for j in openHead..<count {
            if let list { FlowMessage.prefetch(list, count: count, ahead: j) }
            let message = open[j]
            if message.finished { continue }
            if final {
                emit(message, final: true)
                continue
            }
            if let done = message.doneAt, graceNow - done >= settings.graceSeconds * 1_000_000 {
                emit(message, final: false)
                continue
            }
            if now - message.lastSeen > settings.maxAgeSeconds * 1_000_000 {
                health.evicted += 1
                emit(message, final: true)
                continue
            }
            kept.append(message)
        }
        open = kept
        openHead = 0
    }

    private func evictOldest() {
        while openMessages > settings.maxMessages, openHead < open.count {
            let message = open[openHead]
            openHead += 1
            if message.finished { continue }
            health.evicted += 1
            emit(message, final: true)
        }
    }

    private func emit(_ message: FlowMessage, final: Bool) {
        message.finished = true
        if message.inDeferredQueue { deferredQueue -= 1 }
        for hop in message.hops {
            Self.remove(&hops[hop.key], ifItIs: hop)
            unlinkMessageID(hop)
        }
        guard !message.hops.isEmpty else { return }
        let builder = MessageRecordBuilder(message: message, symbols: symbols, settings: settings, now: now)
        let outcome: MessageOutcome
        if keepsRecords {
            let record: MessageRecord
            (record, outcome) = builder.build()
            ready.append(record)
        } else {
            outcome = builder.outcome()
        }
        health.count(outcome, host: message.root.key.host)
        if outcome.status == .lost { readyLost.append(outcome.received) }
    }
}
