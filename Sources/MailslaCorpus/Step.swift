/// What one simulated log line says. Each flow is a script of these; the
/// message text is written from the step and its flow only when the line is
/// emitted.
enum StepKind: UInt8 {
    // postscreen
    case postscreenConnect, postscreenPass, postscreenPregreet, postscreenDNSBL, postscreenReject, postscreenDisconnect
    // smtpd (arg 1 = the re-injection from the content filter on localhost)
    case smtpdConnect, smtpdClient, smtpdReject, smtpdDisconnect
    // queue life (arg = queue index in the flow)
    case cleanupMessageID, qmgrQueued, qmgrRemoved, qmgrExpired, pickupUID, bounceNotice
    /// One delivery attempt for one recipient: arg = queue << 4 | recipient, detail = `DeliveryOutcome`.
    case delivery
    case amavisVerdict
    // Dovecot
    case dovecotLMTPSaved, dovecotLogin, dovecotLogout, dovecotAuthFailed
    // noise
    case cronSessionOpened, cronCommand, cronSessionClosed
    case sshInvalidUser, sshClosedPreauth, sshAccepted, sshSessionOpened, sshDisconnected, sshSessionClosed
    case anvilRate, anvilCount, anvilCache
    /// An injected attack or look-alike line: detail = `ScenarioLine` (MailSimulator+Scenario.swift).
    case scenario
}

/// How one delivery attempt ended, and so what its `status=` text says.
enum DeliveryOutcome: UInt8 {
    /// Handed to amavis; the reply names the re-injected queue id.
    case sentToFilter
    /// Handed to amavis, which discarded it (blocked spam or virus).
    case discardedByFilter
    case sentLMTP
    case sentLocal
    /// Accepted by a remote MX (whose reply also says "queued as", a known trap).
    case sentRemote
    case deferredTimeout
    case deferredGreylisted
    case deferredQuota
    case bouncedUnknownUser
    case bouncedQuota

    var status: StaticString {
        switch self {
        case .sentToFilter, .discardedByFilter, .sentLMTP, .sentLocal, .sentRemote: "sent"
        case .deferredTimeout, .deferredGreylisted, .deferredQuota: "deferred"
        case .bouncedUnknownUser, .bouncedQuota: "bounced"
        }
    }

    var dsn: StaticString {
        switch self {
        case .sentToFilter, .discardedByFilter, .sentLMTP, .sentLocal, .sentRemote: "2.0.0"
        case .deferredTimeout: "4.4.1"
        case .deferredGreylisted: "4.7.1"
        case .deferredQuota: "4.2.2"
        case .bouncedUnknownUser: "5.1.1"
        case .bouncedQuota: "5.2.2"
        }
    }
}

/// amavis's verdict on a message.
enum Verdict: UInt8 {
    case none, clean, spamPassed, spamBlocked, infected

    var name: String {
        switch self {
        case .none: "none"
        case .clean: "clean"
        case .spamPassed: "spam-passed"
        case .spamBlocked: "spam-blocked"
        case .infected: "infected"
        }
    }
}

/// Why smtpd or postscreen refused a client (`NOQUEUE: reject: …`).
enum RejectReason: UInt8, CaseIterable {
    case relayDenied, unknownUser, blocklisted, badHelo, unknownClient, postscreenBlocklisted, pregreet

    var name: String {
        switch self {
        case .relayDenied: "relay_denied"
        case .unknownUser: "unknown_user"
        case .blocklisted: "blocklisted"
        case .badHelo: "bad_helo"
        case .unknownClient: "unknown_client"
        case .postscreenBlocklisted: "postscreen_dnsbl"
        case .pregreet: "postscreen_pregreet"
        }
    }
}

/// One line of a flow's script.
struct Step {
    var time: Int64
    var pid: Int32
    /// Per-kind detail: the queue-wait in ms for deliveries, the amavis request number, a port…
    var aux: UInt32
    var kind: StepKind
    var host: UInt8
    var program: UInt8
    var arg: UInt8
    var detail: UInt8

    init(time: Int64, host: Host, program: Program, pid: Int32, kind: StepKind, arg: UInt8, detail: UInt8, aux: UInt32) {
        self.time = time
        self.pid = pid
        self.aux = aux
        self.kind = kind
        self.host = host.rawValue
        self.program = program.rawValue
        self.arg = arg
        self.detail = detail
    }

    static let empty = Step(time: 0, host: .mx1, program: .smtpd, pid: 0, kind: .smtpdConnect, arg: 0, detail: 0, aux: 0)
}
