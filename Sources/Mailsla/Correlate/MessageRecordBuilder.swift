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
        let done = hops.allSatisfy { $0.ended != nil }
        let status = messageStatus(recipients: recipients, done: done)
        let clientHop = hops.first { $0.clientIP != nil && !$0.localClient } ?? hops.first { $0.clientIP != nil }
        let client = clientHop.map { MessageRecord.Client(host: $0.clientHost, ip: $0.clientIP, saslUsername: $0.saslUsername) }
        var latency: Double?
        if status == .delivered {
            let last = recipients.compactMap { $0.attempts.last(where: { $0.status == "sent" })?.time }.max()
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
            recipients: recipients.map { r in
                MessageRecord.Recipient(address: r.address, status: recipientStatus(r, expired: hops.contains { $0.expired }),
                                        attempts: r.attempts.map {
                                            MessageRecord.Attempt(time: $0.time, status: $0.status, relay: $0.relay, dsn: $0.dsn,
                                                                  delaySeconds: $0.delaySeconds)
                                        })
            },
            status: status, finished: done ? hops.compactMap(\.ended).max() : nil,
            parent: message.parentQueueID, countsAsReceived: received, latencySeconds: latency)
    }

    /// Recipients across all hops (a filter hop's hand-off is not a delivery), attempts in time order.
    private func mergedRecipients() -> [RecipientState] {
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

    private func messageStatus(recipients: [RecipientState], done: Bool) -> MessageStatus {
        let hops = message.hops
        let expired = hops.contains { $0.expired }
        let statuses = recipients.map { recipientStatus($0, expired: expired) }
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
        let attempts = recipients.compactMap { $0.attempts.last }
        let local = attempts.contains { $0.localRelay }
        let remote = attempts.contains { !$0.localRelay }
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
    static func isSpam(_ verdict: String?) -> Bool {
        guard let v = verdict.map(ASCII.uppercased) else { return false }
        return ASCII.contains(v, "SPAM") || v == "Y" || v == "REJECT" || v == "ADD HEADER" || v == "REWRITE SUBJECT"
    }

    static func isVirus(_ verdict: String?) -> Bool {
        guard let v = verdict.map(ASCII.uppercased) else { return false }
        return ASCII.contains(v, "INFECTED") || ASCII.contains(v, "VIRUS") || v == "FOUND"
    }
}
