/// What kind of traffic a flow simulates.
enum FlowKind: UInt8 {
    case inbound, submission, reject, postscreenDrop, cronMail, imapSession, pop3Session, authFailure
    case sshNoise, cronNoise, anvilStatistics, oneLineNoise
}

/// How a message-id is spelled, so the same one is written identically on
/// every line that carries it and in the truth file.
struct MessageIDSpec {
    enum Style: UInt8 {
        /// `<20261101000012.9F3A2B1C4D5E6F70@mail.example.net>`
        case timestamp
        /// `<9f3a2b1c.4d5e6f70a1b2@example.net>`
        case random
        /// What Postfix writes for mail it makes itself: `<20261101001701.QUEUEID@mx1.example.com>`
        case postfix
    }
    var style: Style = .timestamp
    var key: UInt64 = 0
    var time: Int64 = 0
    /// Text id of the domain part.
    var domain: Int32 = 0
    var queueID = QueueID()
}

/// The parameters of one simulated flow that its lines are written from.
/// Everything is decided when the flow starts; lines only read it.
struct Flow {
    var kind: FlowKind = .oneLineNoise
    /// Seed for decorations (ports, session ids, scores) that need no state.
    var key: UInt64 = 0
    var host: Host = .mx1
    /// Text ids of the client's name and address.
    var clientName: Int32 = 0
    var clientAddress: Int32 = 0
    var clientPort: Int32 = 0
    /// Text id of the envelope sender; -1 for the null sender `<>`.
    var sender: Int32 = -1
    var recipients = InlineArray<6, Int32>(repeating: 0)
    var recipientCount = 0
    /// Queue 0: the message as received; 1: as re-injected by the filter; 2: the bounce notice.
    var queueIDs = InlineArray<3, QueueID>(repeating: QueueID())
    var received = InlineArray<3, Int64>(repeating: 0)
    var sizes = InlineArray<3, Int32>(repeating: 0)
    var messageIDs = InlineArray<3, MessageIDSpec>(repeating: MessageIDSpec())
    /// Sender of each queue's envelope (the bounce notice's is `<>`).
    var senders = InlineArray<3, Int32>(repeating: -1)
    var recipientCounts = InlineArray<3, Int>(repeating: 0)
    var verdict: Verdict = .none
    var scanMillis: Int32 = 0
    var reject: RejectReason = .relayDenied
    /// Dovecot user / ssh user (text id) and the mail process pid.
    var user: Int32 = 0
    var processID: Int32 = 0
    /// The amavis child that scanned the message and its request number there: `(pid-NN)`.
    var amavisPID: Int32 = 0
    var amavisRequest: Int32 = 0
    /// The session used STARTTLS (EHLO twice).
    var tls = false
    /// Where this flow's steps sit in the simulator's step store.
    var stepCount = 0
    var cursor = 0
}
