import MailslaCore
import MailslaRules

/// The detectors' whole state and their event routing, held by value: a
/// batch runs inside one mutating call, so the hot path pays no
/// reference counting or exclusivity checks per event.
struct DetectEngine {
    let settings: DetectionSettings
    let symbols: SymbolTable
    let rules: RuleSet
    let vocabulary: DetectVocabulary
    let allow: AllowList

    var connFlood: Detector
    var authBruteforce: Detector
    var mailbomb: Detector
    var resourceExhaustion: Detector
    var synFlood: Detector
    var all: [Detector] { [connFlood, authBruteforce, mailbomb, resourceExhaustion, synFlood] }

    var now: Int64 = .min
    let seen = SeenSet(bits: 17)
    /// Dovecot's per-attempt passdb failures not yet matched by the session's summary, per client.
    var pendingAuth = PendingCounts<IPAddress>(window: 600_000_000)
    /// Postscreen CONNECTs not yet followed by the smtpd connect of the same connection: a
    /// connection postscreen passes on is one piece of flood evidence, not two (a sender that hands
    /// over mail on 30 connections a minute is no flood). Postscreen hands a client on within
    /// seconds (greet wait, DNSBL), so a minute is ample.
    var screened = PendingCounts<HostClient>(window: 60_000_000, limit: 1024)
    private var postscreen: [UInt32: Bool] = [:]
    var allowListed = 0
    private var addresses = AddressCache()
    var finished = false

    // Family bits, in the order each detector lists its families.
    private static let connClient: UInt8 = 1, connNetwork: UInt8 = 2, connServer: UInt8 = 4, connLimits: UInt8 = 8
    private static let authClient: UInt8 = 1 | 2, authUser: UInt8 = 4 | 8
    private static let bombRecipient: UInt8 = 1, bombSender: UInt8 = 2, bombSASL: UInt8 = 4

    init(rules: RuleSet, symbols: SymbolTable, settings: DetectionSettings, filterAddresses: Set<String>) {
        self.rules = rules
        self.symbols = symbols
        self.settings = settings
        vocabulary = DetectVocabulary(rules: rules)
        allow = AllowList(settings: settings, filterAddresses: filterAddresses)
        let s = settings
        let clients = s.maxClientKeys, names = s.maxNameKeys
        func table(_ t: WindowThreshold, _ capacity: Int) -> WindowTable { WindowTable(threshold: t, capacity: capacity) }
        let network = KeyScope.network(v4: s.networkPrefixV4, v6: s.networkPrefixV6)
        let kinds = rules.kinds.count
        connFlood = Detector(kind: .connFlood, families: [
            KeyFamily(name: "client", scope: .client, table: table(s.connPerClient, clients)),
            KeyFamily(name: "network", scope: network, table: table(s.connPerNetwork, names)),
            KeyFamily(name: "server", scope: .server, table: table(s.connPerServer, 1024)),
            KeyFamily(name: "refused connections on", scope: .server, table: table(s.connLimits, 1024)),
        ], settings: s, kinds: kinds, offender: .client)
        authBruteforce = Detector(kind: .authBruteforce, families: [
            KeyFamily(name: "client", scope: .client, table: table(s.authPerClient, clients)),
            KeyFamily(name: "client (slow)", scope: .client, table: table(s.authPerClientSlow, clients)),
            KeyFamily(name: "user", scope: .name, table: table(s.authPerUser, names)),
            KeyFamily(name: "user (slow)", scope: .name, table: table(s.authPerUserSlow, names)),
        ], settings: s, kinds: kinds, offender: .client, target: .name)
        func baseline(_ b: BaselineThreshold) -> WindowTable {
            WindowTable(threshold: b.window, baseline: b, capacity: names)
        }
        mailbomb = Detector(kind: .mailbomb, families: [
            KeyFamily(name: "recipient", scope: .name, table: baseline(s.mailbombPerRecipient)),
            KeyFamily(name: "sender", scope: .name, table: baseline(s.mailbombPerSender)),
            KeyFamily(name: "SASL user", scope: .name, table: baseline(s.mailbombPerSASLUser)),
        ], settings: s, kinds: kinds, offender: .name)
        resourceExhaustion = Detector(kind: .resourceExhaustion, families: [
            KeyFamily(name: "limits on", scope: .server, table: table(s.resourceExhaustion, 1024)),
        ], settings: s, kinds: kinds, offender: .name)
        synFlood = Detector(kind: .synFlood, families: [
            KeyFamily(name: "kernel flood warnings on", scope: .server, table: table(s.synFlood, 1024)),
        ], settings: s, kinds: kinds, offender: .name)
    }

    /// Feeds one classified batch.
    mutating func consume(_ batch: RecordBatch, _ events: EventBatch) {
        let roles = vocabulary.roles
        var now = self.now
        batch.bytes.withUnsafeBufferPointer { bytes in
            events.captures.withUnsafeBufferPointer { captures in
                batch.records.withUnsafeBufferPointer { records in
                    for event in events.events {
                        let role = roles[Int(event.kind)]
                        if role == .none { continue }
                        let record = records[Int(event.record)]
                        if record.time != LogRecord.noTime, record.time > now { now = record.time }
                        let t = record.time == LogRecord.noTime ? now : record.time
                        guard t != .min else { continue }
                        handle(role, RawEvent(event: event, captures: captures, bytes: bytes), record: record, at: t)
                    }
                }
            }
        }
        self.now = now
        if now != .min {
            connFlood.sweep(now: now)
            authBruteforce.sweep(now: now)
            mailbomb.sweep(now: now)
            resourceExhaustion.sweep(now: now)
            synFlood.sweep(now: now)
        }
    }

    /// The input ended: every open episode closes at its last evidence.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        connFlood.finish()
        authBruteforce.finish()
        mailbomb.finish()
        resourceExhaustion.finish()
        synFlood.finish()
    }

    // MARK: events

    private mutating func handle(_ role: DetectVocabulary.Role, _ e: RawEvent, record: LogRecord, at t: Int64) {
        let v = vocabulary
        let host = record.host.raw
        switch role {
        case .none:
            return
        case .connection, .screenConnection, .verdict, .lostConnection, .anvilPeak, .connectionLimit:
            if role == .lostConnection {
                guard let stage = e.bytes(v.stage), Self.isEarlyStage(stage) else { return }
            }
            if role == .anvilPeak {
                guard let metric = e.bytes(v.metric), Self.equal(metric, "connection"),
                      let interval = e.bytes(v.interval), Self.equal(interval, "60s"),
                      let count = e.bytes(v.count).flatMap(Self.number), count >= settings.anvilConnectionRate
                else { return }
            }
            guard let ip = e.bytes(v.clientIP).flatMap({ addresses.address($0) }) else {
                if role == .connectionLimit { conn(nil, host, t, e, mask: Self.connLimits) }
                return
            }
            if allow.contains(ip) {
                allowListed += 1
                return
            }
            if role == .screenConnection {
                screened.add(HostClient(host: host, ip: ip), at: t)
            } else if role == .connection, screened.take(HostClient(host: host, ip: ip), 1, at: t) == 1 {
                return
            }
            let mask: UInt8
            switch role {
            case .connection, .screenConnection: mask = Self.connClient | Self.connNetwork
            case .connectionLimit: mask = Self.connClient | Self.connNetwork | Self.connLimits
            default: mask = Self.connClient | Self.connNetwork | Self.connServer
            }
            conn(ip, host, t, e, mask: mask)
        case .processLimit:
            if isPostscreen(record.program) {
                conn(nil, host, t, e, mask: Self.connLimits)
            } else {
                let label = [e.text(v.service), e.text(v.limit)].compactMap { $0 }.joined(separator: " ")
                resource(host, t, e, label: label.isEmpty ? "process limit" : label, type: .service)
            }
        case .queuePressure:
            resource(host, t, e, label: e.text(v.pressure) ?? "queue pressure", type: .service)
        case .synFlood:
            let port = e.text(v.serverPort).map { "port \($0)" } ?? "connection tracking"
            var evidence = Evidence(time: t, host: host, kind: e.event.kind, weight: 1)
            evidence.nameType = .port
            evidence.name = Self.hash(port)
            synFlood.observe(evidence, mask: 1, keepLabel: true, label: { port })
        case .authFailure:
            auth(e, host, t)
        case .flowClient, .flowQueued, .flowDelivery:
            flow(role, e, host, t)
        }
    }

    private mutating func conn(_ ip: IPAddress?, _ host: UInt32, _ t: Int64, _ e: RawEvent, mask: UInt8) {
        let evidence = Evidence(time: t, host: host, kind: e.event.kind, weight: 1, ip: ip)
        connFlood.observe(evidence, mask: mask, label: { nil })
    }

    private mutating func resource(_ host: UInt32, _ t: Int64, _ e: RawEvent, label: String, type: OffenderType) {
        var evidence = Evidence(time: t, host: host, kind: e.event.kind, weight: 1)
        evidence.nameType = type
        evidence.name = Self.hash(label)
        resourceExhaustion.observe(evidence, mask: 1, keepLabel: true, label: { label })
    }

    /// A failed login. Dovecot may log one attempt twice: its auth process
    /// per attempt (`passdb(user,ip): Password mismatch`), then the login
    /// process (`auth failed, N attempts`) or Postfix (`SASL … failed`) for
    /// the session; the second line counts only the attempts the first did not.
    private mutating func auth(_ e: RawEvent, _ host: UInt32, _ t: Int64) {
        let v = vocabulary
        let ip = e.bytes(v.clientIP).flatMap { addresses.address($0) }
        if let ip, allow.contains(ip) {
            allowListed += 1
            return
        }
        var evidence = Evidence(time: t, host: host, kind: e.event.kind, weight: 1, ip: ip)
        var userName: String?
        if let user = e.bytes(v.user) ?? e.bytes(v.saslUsername), !user.isEmpty {
            evidence.name = NameHash.of(user)
            if allow.contains(name: evidence.name) {
                allowListed += 1
                return
            }
            userName = String(decoding: user, as: UTF8.self)
            evidence.nameType = .user
        }
        var weight = Int32(1)
        if let ip {
            if e.bytes(v.passdb) != nil {
                pendingAuth.add(ip, at: t)
            } else {
                let attempts = Int32(clamping: e.bytes(v.attempts).flatMap(Self.number) ?? 1)
                weight = attempts - pendingAuth.take(ip, attempts, at: t)
            }
        }
        guard weight > 0 else { return }
        evidence.weight = weight
        var mask: UInt8 = 0
        if ip != nil { mask |= Self.authClient }
        if evidence.name != 0 { mask |= Self.authUser }
        authBruteforce.observe(evidence, mask: mask, keepLabel: userName != nil, label: { userName })
    }

    /// Accepted messages per recipient, sender and SASL user. A queue file
    /// counts once however many delivery rounds it takes; the copy a content
    /// filter re-injects does not count for its sender again; a hand-off to
    /// the filter is not a delivery.
    private mutating func flow(_ role: DetectVocabulary.Role, _ e: RawEvent, _ host: UInt32, _ t: Int64) {
        let v = vocabulary
        guard let qid = e.bytes(v.queueID), !qid.isEmpty else { return }
        // The queue file's hash only once an event needs it: most client and hand-off lines do not.
        var message: UInt64 { NameHash.mix(NameHash.of(qid), UInt64(host)) }
        switch role {
        case .flowClient:
            guard let ip = e.bytes(v.clientIP).flatMap({ addresses.address($0) }) else { return }
            if allow.isLocal(ip) {
                seen.insert(NameHash.mix(message, Tag.reinjected))
                return
            }
            if allow.contains(ip) {
                allowListed += 1
                let message = message
                seen.insert(NameHash.mix(message, Tag.trusted))
                seen.insert(NameHash.mix(message, Tag.reinjected))
                return
            }
            guard let user = e.bytes(v.saslUsername), !user.isEmpty else { return }
            bomb(user, hash: NameHash.of(user), type: .saslUsername, mask: Self.bombSASL, e, host, t)
        case .flowQueued:
            guard let sender = e.bytes(v.sender), !sender.isEmpty else { return }
            let message = message
            if seen.contains(NameHash.mix(message, Tag.reinjected)) { return }
            guard seen.insert(NameHash.mix(message, Tag.queued)) else { return }
            bomb(sender, hash: NameHash.of(sender), type: .sender, mask: Self.bombSender, e, host, t)
        case .flowDelivery:
            guard let recipient = e.bytes(v.recipient), !recipient.isEmpty else { return }
            if let relay = e.bytes(v.relayIP).flatMap({ addresses.address($0) }), allow.isLocal(relay) { return }
            let message = message
            if seen.contains(NameHash.mix(message, Tag.trusted)) { return }
            let hash = NameHash.of(recipient)
            guard seen.insert(NameHash.mix(message, hash)) else { return }
            bomb(recipient, hash: hash, type: .recipient, mask: Self.bombRecipient, e, host, t)
        default:
            return
        }
    }

    private enum Tag {
        static let reinjected: UInt64 = 1, trusted: UInt64 = 2, queued: UInt64 = 3
    }

    /// `hash` is `NameHash.of(name)`.
    private mutating func bomb(_ name: UnsafeBufferPointer<UInt8>, hash: UInt64, type: OffenderType, mask: UInt8,
                               _ e: RawEvent, _ host: UInt32, _ t: Int64) {
        if allow.contains(name: hash) {
            allowListed += 1
            return
        }
        var evidence = Evidence(time: t, host: host, kind: e.event.kind, weight: 1)
        evidence.name = hash
        evidence.nameType = type
        mailbomb.observe(evidence, mask: mask, label: { String(decoding: name, as: UTF8.self) })
    }

    private mutating func isPostscreen(_ program: Symbol) -> Bool {
        if let known = postscreen[program.raw] { return known }
        let answer = ProgramName(symbols.name(program)).daemon == "postscreen"
        postscreen[program.raw] = answer
        return answer
    }

    // MARK: bytes

    private static func isEarlyStage(_ stage: UnsafeBufferPointer<UInt8>) -> Bool {
        equal(stage, "CONNECT") || equal(stage, "EHLO") || equal(stage, "HELO") || equal(stage, "AUTH")
            || equal(stage, "STARTTLS")
    }

    @inline(__always)
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        for i in 0..<bytes.count where bytes[i] != p[i] { return false }
        return true
    }

    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 12 else { return nil }
        var n = 0
        for c in bytes {
            guard c >= 48 && c <= 57 else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }

    static func hash(_ text: String) -> UInt64 {
        var s = text
        return s.withUTF8 { NameHash.of($0) }
    }
}

