/// When one key (a client address, a network, a user, a recipient, a host)
/// turns an attack on and off: a sliding window with hysteresis.
///
/// A key turns *hot* when its count of evidence events in the last
/// `windowSeconds` reaches `open`. It stays hot while events keep its count
/// over the last `closeWindowSeconds` at `close` or above, and cools once no
/// event has done so for `quietSeconds` (and at least one close window). A
/// cooled key starts counting afresh. The episode ends at the last event
/// that kept one of its keys at or above `close`, so a trailing trickle
/// neither lengthens it nor reopens it. An `open` of 0 turns the key family off.
public struct WindowThreshold: Sendable, Equatable {
    public var windowSeconds: Int64
    public var open: Int
    public var closeWindowSeconds: Int64
    public var close: Int
    public var quietSeconds: Int64
    /// Count each event once, whatever its weight: a Dovecot login session that
    /// failed three attempts is one event here (a slow attacker comes back
    /// again and again; a user who mistypes makes one session).
    public var countsEvents: Bool

    public init(windowSeconds: Int64, open: Int, close: Int, quietSeconds: Int64, closeWindowSeconds: Int64? = nil,
                countsEvents: Bool = false) {
        self.windowSeconds = windowSeconds
        self.open = open
        self.close = close
        self.quietSeconds = quietSeconds
        self.closeWindowSeconds = closeWindowSeconds ?? windowSeconds
        self.countsEvents = countsEvents
    }
}

/// A window threshold that is also relative to the key's own history, for
/// keys whose normal volume differs by orders of magnitude (a newsletter
/// sender and a private person).
///
/// The baseline is the key's busiest earlier window (windows in which it was
/// hot do not count), halving every `halfLifeSeconds`. A key turns hot only
/// when its count reaches both `window.open` and `factor` × its baseline.
public struct BaselineThreshold: Sendable, Equatable {
    public var window: WindowThreshold
    public var factor: Double
    public var halfLifeSeconds: Int64

    public init(window: WindowThreshold, factor: Double, halfLifeSeconds: Int64) {
        self.window = window
        self.factor = factor
        self.halfLifeSeconds = halfLifeSeconds
    }
}

/// Every threshold of the attack detectors, with the defaults mailsla ships.
///
/// All windows run on event time (the log's timestamps), never the wall
/// clock, so a replay and a live tail find the same episodes.
///
/// Which events feed which detector:
/// - `conn_flood`: connections (`screen.connect`, and `smtp.connect` unless postscreen's
///   CONNECT already counted that connection), postscreen
///   verdicts (`attack.pregreet`, `attack.hangup`, `attack.dnsbl`,
///   `attack.command_limit`), `attack.lost_connection` after CONNECT, HELO,
///   EHLO, AUTH or STARTTLS (after DATA and later it is lawful), `attack.too_many_errors`,
///   `attack.rate_limit`, `anvil.peak` connection rates of at least
///   `anvilConnectionRate`, per-client connection limits (`dos.connection_limit`)
///   and postscreen's `all server/screening ports busy`.
/// - `auth_bruteforce`: `auth.failure` (Postfix SASL, Dovecot logins, passdb, PAM).
/// - `mailbomb`: `flow.delivery` per recipient, `flow.queued` per sender,
///   `flow.client` per SASL user.
/// - `resource_exhaustion`: `dos.process_limit` (Postfix master, Dovecot),
///   `dos.queue_pressure`.
/// - `syn_flood`: `dos.syn_flood`, `dos.conntrack_full`.
public struct DetectionSettings: Sendable, Equatable {
    // MARK: conn_flood

    /// One client address: 60 evidence events (connections and verdicts) in
    /// 60 s opens; it stays open while at least 20 a minute arrive, and closes
    /// after 5 quiet minutes. A postscreen bot makes about four events per
    /// connection (CONNECT, PREGREET, DNSBL, HANGUP), so this is about 15
    /// rejected connections a minute; a monitor connecting once a minute
    /// makes two.
    public var connPerClient = WindowThreshold(windowSeconds: 60, open: 60, close: 20, quietSeconds: 300)
    /// One network (`networkPrefixV4` / `networkPrefixV6`): 120 events in 60 s
    /// opens, below 40 a minute for 5 minutes closes. Catches a botnet that
    /// rotates addresses inside one provider's block.
    public var connPerNetwork = WindowThreshold(windowSeconds: 60, open: 120, close: 40, quietSeconds: 300)
    /// The whole host, postscreen verdicts and early disconnects only (not
    /// plain connections, which busy servers have plenty of): 300 in 60 s
    /// opens, below 100 a minute for 5 minutes closes. Catches floods from
    /// addresses spread over the whole Internet.
    public var connPerServer = WindowThreshold(windowSeconds: 60, open: 300, close: 100, quietSeconds: 300)
    /// The whole host, refused connections (`too many connections`,
    /// `all server ports busy`, per-client concurrency limits): 5 in 5
    /// minutes opens, it stays open while at least 1 arrives in 5 minutes.
    public var connLimits = WindowThreshold(windowSeconds: 300, open: 5, close: 1, quietSeconds: 300)
    /// The network of a client address for `connPerNetwork`: /24 for IPv4, /64 for IPv6.
    public var networkPrefixV4 = 24
    public var networkPrefixV6 = 64
    /// An anvil statistics line counts as evidence when a client's peak
    /// connection rate reached this many per 60 s.
    public var anvilConnectionRate = 60

    // MARK: auth_bruteforce
    //
    // Calibrated against background noise: the project's generated month
    // (Internet password guessing against role accounts from random
    // addresses, 1–3 attempts a session) peaks at 7 attempts in 5 minutes and
    // 5 sessions in 12 hours per client address, and 9 attempts in 5 minutes
    // per user name, at 2 million lines a month. crowdsec bans earlier (more
    // than 5 in a few seconds for postfix-spam): it blocks, mailsla excuses
    // downtime, so an episode needs a sustained attack.

    /// One client address, fast: 15 failed attempts in 5 minutes opens; it
    /// stays open while at least 5 fail in 5 minutes, and closes after 10
    /// quiet minutes.
    public var authPerClient = WindowThreshold(windowSeconds: 300, open: 15, close: 5, quietSeconds: 600)
    /// One client address, slow: 10 failed login sessions in 12 hours opens;
    /// it stays open while sessions keep failing at least once in 3 hours.
    /// Catches attackers who space attempts to stay under per-minute limits
    /// (one attempt every half hour over a working day). A client with a stale
    /// password that retries all day looks the same: trust its network, or
    /// raise this, if that is common on the site.
    public var authPerClientSlow = WindowThreshold(windowSeconds: 43_200, open: 10, close: 1, quietSeconds: 0,
                                                   closeWindowSeconds: 10_800, countsEvents: true)
    /// One user name, fast: 30 failed attempts in 5 minutes from any addresses
    /// opens, below 10 in 5 minutes for 10 minutes closes (a distributed
    /// attack on one account).
    public var authPerUser = WindowThreshold(windowSeconds: 300, open: 30, close: 10, quietSeconds: 600)
    /// One user name, slow: off by default (`open` 0). Role accounts (info@,
    /// admin@) see a steady trickle of guesses from everywhere that grows with
    /// the traffic; that is background, not an attack that explains downtime.
    /// Set, for example, 60 sessions in 12 hours to watch for it.
    public var authPerUserSlow = WindowThreshold(windowSeconds: 43_200, open: 0, close: 1, quietSeconds: 0,
                                                 closeWindowSeconds: 10_800, countsEvents: true)

    // MARK: mailbomb

    /// Messages to one recipient: 50 in 10 minutes and 5 × the recipient's
    /// own busiest earlier 10 minutes opens; below 10 in 10 minutes for 10
    /// minutes closes. The baseline halves every 14 days.
    public var mailbombPerRecipient = BaselineThreshold(
        window: WindowThreshold(windowSeconds: 600, open: 50, close: 10, quietSeconds: 600),
        factor: 5, halfLifeSeconds: 14 * 86_400)
    /// Messages from one envelope sender: 200 in 10 minutes and 5 × its
    /// baseline. A newsletter that goes out every week or month is within its
    /// own baseline; one message to many recipients counts once.
    public var mailbombPerSender = BaselineThreshold(
        window: WindowThreshold(windowSeconds: 600, open: 200, close: 40, quietSeconds: 600),
        factor: 5, halfLifeSeconds: 14 * 86_400)
    /// Messages submitted by one SASL user: 100 in 10 minutes and 5 × its baseline
    /// (a stolen account sending spam).
    public var mailbombPerSASLUser = BaselineThreshold(
        window: WindowThreshold(windowSeconds: 600, open: 100, close: 20, quietSeconds: 600),
        factor: 5, halfLifeSeconds: 14 * 86_400)

    // MARK: resource_exhaustion, syn_flood

    /// Process and client limits (Postfix master, Dovecot) and queue-pressure
    /// warnings on one host: one warning opens (the daemons rate-limit these
    /// warnings themselves: Postfix master writes one per service every 1000 s),
    /// and the episode closes 20 minutes after the last one.
    public var resourceExhaustion = WindowThreshold(windowSeconds: 1200, open: 1, close: 1, quietSeconds: 1200)
    /// Kernel SYN-flood and conntrack-full lines on one host: one line opens,
    /// and the episode closes 10 minutes after the last one.
    public var synFlood = WindowThreshold(windowSeconds: 600, open: 1, close: 1, quietSeconds: 600)

    // MARK: allow-lists

    /// Networks whose clients never make an episode (CIDR or single
    /// addresses, IPv4 and IPv6). The loopback is trusted too unless
    /// `trustLoopback` is off, and the flow's content-filter addresses always are.
    public var trustedNetworks: [String] = []
    /// Whether loopback clients never make an episode (default). Off only where a
    /// flood can come from this host, as in the end-to-end test (scripts/e2e).
    public var trustLoopback = true
    /// Monitoring hosts (addresses or CIDR): their connections and failed
    /// logins are normal traffic, not a flood.
    public var monitorAddresses: [String] = []
    /// The availability probe's own addresses (addresses or CIDR).
    public var probeAddresses: [String] = []
    /// Mail addresses and login names that never count: the probe's test
    /// mailbox, a monitoring account. Compared without regard to case.
    public var allowedNames: [String] = []

    // MARK: bounds

    /// Client addresses tracked per detector family; past this the quietest are evicted (counted).
    public var maxClientKeys = 65_536
    /// Networks, user names and mail addresses tracked per family.
    public var maxNameKeys = 65_536
    /// Keys that may be hot at once in one episode; more are counted, not tracked.
    public var maxHotKeysPerEpisode = 4096
    /// Episodes kept for the report; more are counted as dropped.
    public var maxEpisodes = 10_000
    /// Top offenders listed per episode.
    public var topOffenders = 10
    /// Minutes of evidence kept per episode for explaining it (the first and last halves).
    public var maxEvidenceMinutes = 1440

    public init() {}
}
