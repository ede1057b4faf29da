import MailslaCore

/// Decides a finished message's statuses and shape from its hops.
struct MessageRecordBuilder {
    let message: FlowMessage
    let symbols: SymbolTable
    let settings: FlowSettings
    let now: Int64

    /// The message's status and times: all the flow's counters need, decided without making
    /// the record's strings and arrays (a replay without `--messages` writes no record).
    func outcome() -> MessageOutcome {
        outcome(mergedRecipients())
    }

    /// The record `--messages` writes and `mailsla tail` counts, with the `outcome` the counters get:
    /// both are decided by the same code.
    func build() -> (MessageRecord, MessageOutcome) {
        let root = message.root
        let hops = message.hops
        let recipients = mergedRecipients()
        let outcome = outcome(recipients)
        let clientHop = hops.first { $0.clientIP != nil && !$0.localClient } ?? hops.first { $0.clientIP != nil }
        let client = clientHop.map { MessageRecord.Client(host: $0.clientHost, ip: $0.clientIP, saslUsername: $0.saslUsername) }
        let filter = message.filterEngine.map {
            MessageRecord.Filter(engine: $0, verdict: message.filterVerdict, roundTripSeconds: message.filterRoundTrip)
        } ?? (message.filterRoundTrip != nil || !root.filterHandoffs.isEmpty
            ? MessageRecord.Filter(engine: "content_filter", verdict: nil, roundTripSeconds: message.filterRoundTrip) : nil)
        let expired = hops.contains { $0.expired }
        let record = MessageRecord(
            host: symbols.name(root.key.host), isNotice: message.isNotice, direction: direction(recipients),
            queueIDs: hops.map(\.queueID), messageID: hops.lazy.compactMap(\.messageID).first,
            sender: hops.lazy.compactMap(\.sender).first, size: root.size ?? hops.lazy.compactMap(\.size).first,
            client: client, received: outcome.received, filter: filter,
            recipients: recipients.map { r in
                MessageRecord.Recipient(address: r.address, status: Self.recipientStatus(r, expired: expired).rawValue,
                                        attempts: r.attempts)
            },
            status: outcome.status, finished: outcome.finished,
            parent: message.parentQueueID, countsAsReceived: outcome.countsAsReceived, latencySeconds: outcome.latencySeconds)
        return (record, outcome)
    }

    private func outcome(_ recipients: [RecipientState]) -> MessageOutcome {
        let root = message.root
        var done = true, expired = false, finished: Int64?
        for hop in message.hops {
            if hop.expired { expired = true }
            if let ended = hop.ended { finished = max(finished ?? ended, ended) } else { done = false }
        }
        var statuses = RecipientStatus.Set()
        var deferredOnce = false
        for r in recipients {
            statuses.insert(Self.recipientStatus(r, expired: expired))
            if !deferredOnce, r.attempts.contains(where: { $0.status == "deferred" }) { deferredOnce = true }
        }
        let status = messageStatus(statuses: statuses, recipients: recipients, expired: expired, done: done)
        var latency: Double?
        if status == .delivered {
            var last: Int64?
            for r in recipients {
                if let sent = Self.lastSentTime(r.attempts) { last = max(last ?? sent, sent) }
            }
            latency = last.map { max(0, Double($0 - root.firstSeen) / 1e6) }
        }
        let received = !message.isNotice && !root.milterRejected
            && (root.clientIP != nil || root.pickedUp || root.proxyAccepted || root.sender != nil)
        // The record's filter verdict is the engine's: without an engine the record has none.
        let verdict = message.filterEngine == nil ? nil : message.filterVerdict
        return MessageOutcome(
            status: status, isNotice: message.isNotice, countsAsReceived: received, received: root.firstSeen,
            finished: done ? finished : nil, latencySeconds: latency, filterRoundTripSeconds: message.filterRoundTrip,
            spamVerdict: FlowVerdicts.isSpam(verdict), virusVerdict: FlowVerdicts.isVirus(verdict),
            deferredOnce: deferredOnce)
    }

    /// Recipients across all hops (a filter hop's hand-off is not a delivery), attempts in time order.
    private func mergedRecipients() -> [RecipientState] {
        // Usually one queue file holds every delivery (the re-injected copy): its recipients are
        // distinct already, and their attempts need sorting only if they are not in order yet.
        var holder: Hop?
        for hop in message.hops where !hop.recipients.isEmpty {
            if holder != nil { return mergedAcrossHops() }
            holder = hop
        }
        guard let holder else { return [] }
        var recipients = holder.recipients
        for i in recipients.indices where !Self.inTimeOrder(recipients[i].attempts) {
            recipients[i].attempts.sort { $0.time < $1.time }
        }
        return recipients
    }

    private static func inTimeOrder(_ attempts: [DeliveryAttempt]) -> Bool {
        var i = 1
        while i < attempts.count {
            if attempts[i].time < attempts[i - 1].time { return false }
            i += 1
        }
        return true
    }

    private func mergedAcrossHops() -> [RecipientState] {
        var order: [String] = []
        var byAddress: [String: RecipientState] = [:]
        for hop in message.hops {
            for r in hop.recipients {
                if byAddress[r.address] == nil {
                    order.append(r.address)
                    byAddress[r.address] = RecipientState(address: r.address)
                }
                byAddress[r.address]!.attempts += r.attempts
            }
        }
        return order.map { address in
            var r = byAddress[address]!
            r.attempts.sort { $0.time < $1.time }
            return r
        }
    }

    /// The time of the last `sent` attempt. Read field by field: taking out a whole attempt (as `last(where:)`
    /// does) retained and released each of its five strings.
    private static func lastSentTime(_ attempts: [DeliveryAttempt]) -> Int64? {
        var i = attempts.count - 1
        while i >= 0 {
            if attempts[i].status == "sent" { return attempts[i].time }
            i -= 1
        }
        return nil
    }

    private static func recipientStatus(_ r: RecipientState, expired: Bool) -> RecipientStatus {
        guard !r.attempts.isEmpty else { return .pending }
        // The last status alone, not a copy of the whole attempt (see `lastSentTime`).
        switch r.attempts[r.attempts.count - 1].status {
        case "sent": return .delivered
        case "bounced", "undeliverable": return .bounced
        case "expired": return .expired
        case "deferred": return expired ? .expired : .deferred
        default: return r.attempts[r.attempts.count - 1].status.hasPrefix("undeliverable") ? .bounced : .pending
        }
    }

    private func messageStatus(statuses: RecipientStatus.Set, recipients: [RecipientState], expired: Bool,
                               done: Bool) -> MessageStatus {
        let hops = message.hops
        let delivered = statuses.contains(.delivered)
        if hops[0].milterRejected && recipients.isEmpty { return .rejected }
        if hops.contains(where: { $0.discarded }) && !delivered { return .discarded }
        if message.filterBlocked && !delivered { return FlowVerdicts.isVirus(message.filterVerdict) ? .virus : .spam }
        if hops.contains(where: { $0.held && $0.ended == nil }) { return .held }
        if isLost() { return .lost }
        if expired { return .expired }
        if statuses == [.delivered] { return .delivered }
        if statuses.contains(.bounced) && !statuses.contains(.pending) && !statuses.contains(.deferred) {
            return .bounced
        }
        if done {
            return statuses.contains(.bounced) || statuses.contains(.expired) ? .bounced : .discarded
        }
        return hops.contains { $0.deferredOnce } ? .deferred : .inFlight
    }

    /// Handed to a filter with `sent`, and nothing came back (no new queue id, no blocking verdict) in time.
    private func isLost() -> Bool {
        guard message.hops.count == 1, let handoff = message.root.filterHandoffs.last else { return false }
        guard handoff.newQueueID == nil, !message.filterBlocked else { return false }
        return now - handoff.time >= settings.flowTimeoutSeconds * 1_000_000 || message.root.ended != nil
    }

    private func direction(_ recipients: [RecipientState]) -> String {
        var local = false, remote = false
        for r in recipients {
            guard !r.attempts.isEmpty else { continue }
            if r.attempts[r.attempts.count - 1].localRelay { local = true } else { remote = true }
        }
        switch (local, remote) {
        case (true, true): return "mixed"
        case (false, true): return "outbound"
        case (true, false): return message.root.pickedUp ? "local" : "inbound"
        default: return message.root.saslUsername != nil || message.root.pickedUp ? "outbound" : "inbound"
        }
    }
}

/// A recipient's state in a record (`recipients[].status`).
enum RecipientStatus: String {
    case delivered, bounced, expired, deferred, pending

    /// The statuses of a message's recipients, as a bit set: its status is decided on which
    /// occur, with no array of them.
    struct Set: OptionSet {
        let rawValue: UInt8
        init(rawValue: UInt8) { self.rawValue = rawValue }
        init(_ status: RecipientStatus) {
            switch status {
            case .delivered: rawValue = 1
            case .bounced: rawValue = 2
            case .expired: rawValue = 4
            case .deferred: rawValue = 8
            case .pending: rawValue = 16
            }
        }

        static let delivered = Set(.delivered), bounced = Set(.bounced), expired = Set(.expired)
        static let deferred = Set(.deferred), pending = Set(.pending)

        mutating func insert(_ status: RecipientStatus) { formUnion(Set(status)) }
    }
}

/// How filter verdict words map to spam and virus.
enum FlowVerdicts {
    // Read on the verdict's bytes, a-z folded to A-Z: no string is made. None of
    // the words has a letter that a non-ASCII character is canonically equivalent to, so comparing
    // bytes answers what comparing the uppercased strings would.
    static func isSpam(_ verdict: String?) -> Bool {
        guard var v = verdict else { return false }
        return v.withUTF8 { v in
            contains(v, "SPAM") || equals(v, "Y") || equals(v, "REJECT") || equals(v, "ADD HEADER")
                || equals(v, "REWRITE SUBJECT")
        }
    }

    static func isVirus(_ verdict: String?) -> Bool {
        guard var v = verdict else { return false }
        return v.withUTF8 { v in contains(v, "INFECTED") || contains(v, "VIRUS") || equals(v, "FOUND") }
    }

    @inline(__always)
    private static func upper(_ b: UInt8) -> UInt8 { b >= 97 && b <= 122 ? b - 32 : b }

    private static func equals(_ v: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard v.count == word.utf8CodeUnitCount else { return false }
        for i in 0..<v.count where upper(v[i]) != word.utf8Start[i] { return false }
        return true
    }

    private static func contains(_ v: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard n <= v.count else { return false }
        var start = 0
        next: while start <= v.count - n {
            for i in 0..<n where upper(v[start + i]) != word.utf8Start[i] {
                start += 1
                continue next
            }
            return true
        }
        return false
    }
}
