/// What a message became, as the simulator decided it.
enum MessageKind: UInt8 {
    /// Received from a remote client on an MX.
    case inbound
    /// Put back into Postfix by the content filter (parent: the inbound message).
    case reinjected
    /// Sent by a user through submission (SASL).
    case submission
    /// Picked up from the local maildrop (cron output).
    case local
    /// A non-delivery notification Postfix made (parent: the message that bounced).
    case bounce

    var name: String {
        switch self {
        case .inbound: "inbound"
        case .reinjected: "reinjected"
        case .submission: "submission"
        case .local: "local"
        case .bounce: "bounce"
        }
    }
}

/// A recipient's final state in the truth file.
enum RecipientStatus: UInt8 {
    case pending, sent, bounced, expired, discarded, filtered

    var name: String {
        switch self {
        case .pending: "pending"
        case .sent: "sent"
        case .bounced: "bounced"
        case .expired: "expired"
        case .discarded: "discarded"
        case .filtered: "filtered"
        }
    }
}

/// Where a recipient's last attempt went.
enum RelayKind: UInt8 {
    case filter, lmtp, local, remote

    var name: String {
        switch self {
        case .filter: "filter"
        case .lmtp: "lmtp"
        case .local: "local"
        case .remote: "remote"
        }
    }
}

/// Running totals that the truth file's `outcomes` section reports.
struct OutcomeTallies {
    var messages = 0
    var received = 0
    var delivered = 0
    var deferredAttempts = 0
    var bounced = 0
    var expired = 0
    var bounceNotices = 0
    var clean = 0
    var spamPassed = 0
    var spamBlocked = 0
    var infected = 0
    var rejects = InlineArray<8, Int>(repeating: 0)
    var imapLogins = 0
    var pop3Logins = 0
    var failedLogins = 0
}

/// Collects the truth about every message and reject as flows are planned,
/// in compact form (text ids, not strings), so recording costs next to
/// nothing per line. A flow's records can be taken back if the flow is dropped.
struct TruthRecorder {
    struct Message {
        var host: Host
        var kind: MessageKind
        var verdict: Verdict = .none
        var queueID: QueueID
        var messageID: MessageIDSpec
        var sender: Int32
        var size: Int32
        var recipientStart: Int32
        var recipientCount: Int32
        var received: Int64
        var removed: Int64 = 0
        var parent: Int32 = -1
    }

    struct Recipient {
        var address: Int32
        var status: RecipientStatus = .pending
        var outcome: DeliveryOutcome = .sentLMTP
        var relay: RelayKind = .lmtp
        var attempts: UInt8 = 0
        /// For local delivery: the address as given before aliasing (`orig_to`).
        var originalRoot = false
    }

    struct Reject {
        var host: Host
        var time: Int64
        var clientAddress: Int32
        var reason: RejectReason
    }

    private(set) var messages: [Message] = []
    private(set) var recipients: [Recipient] = []
    private(set) var rejects: [Reject] = []
    private(set) var tallies = OutcomeTallies()

    struct Mark {
        var messages: Int
        var recipients: Int
        var rejects: Int
        var tallies: OutcomeTallies
    }

    var mark: Mark { Mark(messages: messages.count, recipients: recipients.count, rejects: rejects.count, tallies: tallies) }

    /// Forgets everything recorded after `mark`.
    mutating func rollback(to mark: Mark) {
        messages.removeLast(messages.count - mark.messages)
        recipients.removeLast(recipients.count - mark.recipients)
        rejects.removeLast(rejects.count - mark.rejects)
        tallies = mark.tallies
    }

    /// Records a new message with `recipientAddresses`, returning its index.
    mutating func addMessage(host: Host, kind: MessageKind, queueID: QueueID, messageID: MessageIDSpec,
                             sender: Int32, size: Int32, received: Int64, parent: Int32,
                             recipients addresses: InlineArray<6, Int32>, count: Int) -> Int32 {
        let start = Int32(recipients.count)
        for i in 0..<count { recipients.append(Recipient(address: addresses[i])) }
        messages.append(Message(host: host, kind: kind, queueID: queueID, messageID: messageID, sender: sender,
                                size: size, recipientStart: start, recipientCount: Int32(count),
                                received: received, parent: parent))
        tallies.messages += 1
        if kind != .reinjected && kind != .bounce { tallies.received += 1 }
        if kind == .bounce { tallies.bounceNotices += 1 }
        return Int32(messages.count - 1)
    }

    /// Counts one delivery attempt of recipient `index` of message `message`.
    mutating func attempt(_ message: Int32, _ index: Int, _ outcome: DeliveryOutcome) {
        let r = Int(messages[Int(message)].recipientStart) + index
        recipients[r].attempts += 1
        recipients[r].outcome = outcome
        switch outcome {
        case .sentToFilter:
            recipients[r].status = .filtered
            recipients[r].relay = .filter
        case .discardedByFilter:
            recipients[r].status = .discarded
            recipients[r].relay = .filter
        case .sentLMTP, .sentLocal, .sentRemote:
            recipients[r].status = .sent
            recipients[r].relay = outcome == .sentLMTP ? .lmtp : outcome == .sentLocal ? .local : .remote
            tallies.delivered += 1
        case .deferredTimeout, .deferredGreylisted, .deferredQuota:
            recipients[r].status = .pending
            recipients[r].relay = outcome == .deferredQuota ? .lmtp : .remote
            tallies.deferredAttempts += 1
        case .bouncedUnknownUser, .bouncedQuota:
            recipients[r].status = .bounced
            recipients[r].relay = outcome == .bouncedQuota ? .lmtp : .remote
            tallies.bounced += 1
        }
    }

    mutating func expire(_ message: Int32, _ index: Int) {
        let r = Int(messages[Int(message)].recipientStart) + index
        recipients[r].status = .expired
        tallies.expired += 1
    }

    mutating func setOriginalRoot(_ message: Int32, _ index: Int) {
        recipients[Int(messages[Int(message)].recipientStart) + index].originalRoot = true
    }

    mutating func removed(_ message: Int32, at time: Int64) { messages[Int(message)].removed = time }

    mutating func verdict(_ message: Int32, _ verdict: Verdict) {
        messages[Int(message)].verdict = verdict
        switch verdict {
        case .none: break
        case .clean: tallies.clean += 1
        case .spamPassed: tallies.spamPassed += 1
        case .spamBlocked: tallies.spamBlocked += 1
        case .infected: tallies.infected += 1
        }
    }

    mutating func reject(host: Host, time: Int64, clientAddress: Int32, reason: RejectReason) {
        rejects.append(Reject(host: host, time: time, clientAddress: clientAddress, reason: reason))
        tallies.rejects[Int(reason.rawValue)] += 1
    }

    mutating func login(imap: Bool) {
        if imap { tallies.imapLogins += 1 } else { tallies.pop3Logins += 1 }
    }

    mutating func failedLogin() { tallies.failedLogins += 1 }
}
