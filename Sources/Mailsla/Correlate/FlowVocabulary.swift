import MailslaRules

/// The event kinds and field ids the correlator reads, looked up once in the
/// rule set so the hot path compares small integers, not names.
struct FlowVocabulary {
    enum Kind { case client, pickup, messageID, queued, delivery, removed, expired, bounceNotice, hold, discard,
                milterReject, reject, proxyAccept, proxyReject, filterVerdict, canceled, deleted, released }

    /// Indexed by event kind id: nil for kinds the correlator ignores.
    let kinds: [Kind?]
    let queueID, newQueueID, clientHost, clientIP, saslUsername, messageID, sender, size, nrcpt, recipient,
        origRecipient, relay, relayHost, relayIP, relayPort, relaySocket, delay, delays, dsn, status, reason, verdict,
        action, score: UInt16?

    init(rules: RuleSet) {
        let names: [(String, Kind)] = [
            ("flow.client", .client), ("flow.pickup", .pickup), ("flow.message_id", .messageID), ("flow.queued", .queued),
            ("flow.delivery", .delivery), ("flow.removed", .removed), ("flow.expired", .expired),
            ("flow.bounce_notice", .bounceNotice), ("flow.hold", .hold), ("flow.discard", .discard),
            ("flow.milter_reject", .milterReject), ("flow.reject", .reject), ("flow.proxy_accept", .proxyAccept),
            ("flow.proxy_reject", .proxyReject), ("flow.filter_verdict", .filterVerdict), ("flow.canceled", .canceled),
            ("flow.deleted", .deleted), ("flow.released", .released),
        ]
        var kinds = [Kind?](repeating: nil, count: rules.kinds.count)
        for (name, kind) in names { if let id = rules.kindIndex(name) { kinds[Int(id)] = kind } }
        self.kinds = kinds
        let f = rules.fieldIndex
        queueID = f("queue_id"); newQueueID = f("new_queue_id"); clientHost = f("client_host"); clientIP = f("client_ip")
        saslUsername = f("sasl_username"); messageID = f("message_id"); sender = f("sender"); size = f("size")
        nrcpt = f("nrcpt"); recipient = f("recipient"); origRecipient = f("orig_recipient"); relay = f("relay")
        relayHost = f("relay_host"); relayIP = f("relay_ip"); relayPort = f("relay_port"); relaySocket = f("relay_socket")
        delay = f("delay"); delays = f("delays"); dsn = f("dsn"); status = f("status"); reason = f("reason"); verdict = f("verdict")
        action = f("filter_action") ?? f("action"); score = f("score")
    }
}
