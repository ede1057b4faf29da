import MailslaCore

/// Decides a finished message's statuses and shape from its hops.
struct MessageRecordBuilder {
    let message: FlowMessage
    let symbols: SymbolTable
    let settings: FlowSettings
    let now: Int64

    func build() -> MessageRecord {
        let root = message.root
        let hops = message.hops
        let recipients = mergedRecipients()
        var done = true, expired = false, finished: Int64?
        for hop in hops {
            if hop.expired { expired = true }
            if let ended = hop.ended { finished = max(finished ?? ended, ended) } else { done = false }
        }
        let statuses = recipients.map { recipientStatus($0, expired: expired) }
        let status = messageStatus(statuses: statuses, recipients: recipients, expired: expired, done: done)
        let clientHop = hops.first { $0.clientIP != nil && !$0.localClient } ?? hops.first { $0.clientIP != nil }
        let client = clientHop.map { MessageRecord.Client(host: $0.clientHost, ip: $0.clientIP, saslUsername: $0.saslUsername) }
        var latency: Double?
        if status == .delivered {
            var last: Int64?
            for r in recipients {
                if let sent = r.attempts.last(where: { $0.status == "sent" })?.time { last = max(last ?? sent, sent) }
            }
            latency = last.map { max(0, Double($0 - root.firstSeen) / 1e6) }
        }
        let filter = message.filterEngine.map {
            MessageRecord.Filter(engine: $0, verdict: message.filterVerdict, roundTripSeconds: message.filterRoundTrip)
        } ?? (message.filterRoundTrip != nil || !root.filterHandoffs.isEmpty
            ? MessageRecord.Filter(engine: "content_filter", verdict: nil, roundTripSeconds: message.filterRoundTrip) : nil)
        let received = !message.isNotice && !root.milterRejected
            && (root.clientIP != nil || root.pickedUp || root.proxyAccepted || root.sender != nil)
        return MessageRecord(
            host: symbols.name(root.key.host), isNotice: message.isNotice, direction: direction(recipients),
            queueIDs: hops.map(\.queueID), messageID: hops.lazy.compactMap(\.messageID).first,
            sender: hops.lazy.compactMap(\.sender).first, size: root.size ?? hops.lazy.compactMap(\.size).first,
            client: client, received: root.firstSeen, filter: filter,
            recipients: recipients.indices.map { i in
                MessageRecord.Recipient(address: recipients[i].address, status: statuses[i], attempts: recipients[i].attempts)
            },
            status: status, finished: done ? finished : nil,
            parent: message.parentQueueID, countsAsReceived: received, latencySeconds: latency)
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

    private func recipientStatus(_ r: RecipientState, expired: Bool) -> String {
        guard let last = r.attempts.last else { return "pending" }
        switch last.status {
        case "sent": return "delivered"
        case "bounced", "undeliverable": return "bounced"
        case "expired": return "expired"
        case "deferred": return expired ? "expired" : "deferred"
        default: return last.status.hasPrefix("undeliverable") ? "bounced" : "pending"
        }
    }

    private func messageStatus(statuses: [String], recipients: [RecipientState], expired: Bool, done: Bool) -> MessageStatus {
        let hops = message.hops
        let delivered = statuses.contains("delivered")
        if hops[0].milterRejected && recipients.isEmpty { return .rejected }
        if hops.contains(where: { $0.discarded }) && !delivered { return .discarded }
        if message.filterBlocked && !delivered { return FlowVerdicts.isVirus(message.filterVerdict) ? .virus : .spam }
        if hops.contains(where: { $0.held && $0.ended == nil }) { return .held }
        if isLost() { return .lost }
        if expired { return .expired }
        if !statuses.isEmpty, statuses.allSatisfy({ $0 == "delivered" }) { return .delivered }
        if statuses.contains("bounced") && !statuses.contains("pending") && !statuses.contains("deferred") {
            return .bounced
        }
        if done {
            return statuses.contains("bounced") || statuses.contains("expired") ? .bounced : .discarded
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
            guard let last = r.attempts.last else { continue }
            if last.localRelay { local = true } else { remote = true }
        }
        switch (local, remote) {
        case (true, true): return "mixed"
        case (false, true): return "outbound"
        case (true, false): return message.root.pickedUp ? "local" : "inbound"
        default: return message.root.saslUsername != nil || message.root.pickedUp ? "outbound" : "inbound"
        }
    }
}

/// How filter verdict words map to spam and virus.
enum FlowVerdicts {
    // Read on the verdict's bytes, a-z folded to A-Z (`ASCII.uppercased`): no string is made. None of
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
