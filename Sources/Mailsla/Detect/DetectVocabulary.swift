import MailslaRules

/// The event kinds and fields the detectors read, looked up once in the rule
/// set so the hot path indexes an array by kind id and compares small integers.
struct DetectVocabulary {
    enum Role: UInt8 {
        case none
        /// A client connected to smtpd.
        case connection
        /// A client connected to postscreen (which hands a client it passes on to smtpd).
        case screenConnection
        /// A postscreen verdict, too many errors, a rate-limit refusal.
        case verdict
        /// An smtpd session dropped by the client: evidence only after CONNECT, HELO, EHLO, AUTH, STARTTLS.
        case lostConnection
        /// anvil's peak statistics: evidence when a client's connection rate was high.
        case anvilPeak
        /// A per-client connection limit refused a client.
        case connectionLimit
        /// A process or port limit: postscreen's ports busy (a flood), or master/Dovecot (exhaustion).
        case processLimit
        case queuePressure
        case synFlood
        case authFailure
        case flowClient
        case flowQueued
        case flowDelivery
    }

    /// The role of each kind id.
    let roles: [Role]
    let clientIP, stage, metric, count, interval, user, saslUsername, attempts, passdb, sender, recipient, relayIP,
        queueID, service, limit, serverPort, listen, pressure: UInt16?

    init(rules: RuleSet) {
        let names: [(String, Role)] = [
            ("smtp.connect", .connection), ("screen.connect", .screenConnection),
            ("attack.pregreet", .verdict), ("attack.hangup", .verdict), ("attack.dnsbl", .verdict),
            ("attack.command_limit", .verdict), ("attack.too_many_errors", .verdict), ("attack.rate_limit", .verdict),
            ("attack.lost_connection", .lostConnection), ("anvil.peak", .anvilPeak),
            ("dos.connection_limit", .connectionLimit), ("dos.process_limit", .processLimit),
            ("dos.queue_pressure", .queuePressure), ("dos.syn_flood", .synFlood), ("dos.conntrack_full", .synFlood),
            ("auth.failure", .authFailure),
            ("flow.client", .flowClient), ("flow.queued", .flowQueued), ("flow.delivery", .flowDelivery),
        ]
        var roles = [Role](repeating: .none, count: rules.kinds.count)
        for (name, role) in names {
            if let id = rules.kindIndex(name) { roles[Int(id)] = role }
        }
        self.roles = roles
        let f = rules.fieldIndex
        clientIP = f("client_ip"); stage = f("stage"); metric = f("metric"); count = f("count"); interval = f("interval")
        user = f("user"); saslUsername = f("sasl_username"); attempts = f("attempts"); passdb = f("passdb")
        sender = f("sender"); recipient = f("recipient"); relayIP = f("relay_ip"); queueID = f("queue_id")
        service = f("service"); limit = f("limit"); serverPort = f("server_port"); listen = f("listen")
        pressure = f("pressure")
    }
}
