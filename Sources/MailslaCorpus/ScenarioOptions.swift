/// The attacks the generator can inject into a corpus, each with a known
/// start, end and offender recorded in the truth (`attacks`).
///
/// Every line an attack writes is built from the format the daemon uses
/// (shared/corpus/EVENTS.md) and is classified by the shipped rules; the
/// addresses are documentation addresses.
public enum AttackKind: String, CaseIterable, Sendable, Equatable {
    /// A postscreen flood from one address on mx1: CONNECT, PREGREET, DNSBL rank,
    /// HANGUP or an RBL reject, DISCONNECT, about 30 connections a minute.
    case connFlood = "conn-flood"
    /// A botnet inside one /24 on mx2: 64 addresses, each about once a minute, some
    /// dropped by postscreen, some passed to smtpd that lose the connection after CONNECT.
    case networkFlood = "net-flood"
    /// SASL password guessing on smtp1's submission port, one attempt every 5 to 9 s.
    case authFast = "auth-fast"
    /// Dovecot IMAP password guessing spread over hours, one attempt every half hour or so.
    case authSlow = "auth-slow"
    /// Hundreds of accepted messages from many senders to one mailbox in minutes.
    case mailbomb
    /// A SYN flood on mx2's port 25 (kernel warnings) that exhausts smtpd, so the
    /// master warns of its process limit: a `syn_flood` and a `resource_exhaustion` in the truth.
    case synFlood = "syn-flood"

    /// How long it lasts unless the spec says otherwise (seconds).
    public var defaultSeconds: Int64 {
        switch self {
        case .connFlood: 40 * 60
        case .networkFlood: 30 * 60
        case .authFast: 25 * 60
        case .authSlow: 8 * 3600
        case .mailbomb: 15 * 60
        // The master warns at most once per 1000 s: the flood ends a minute after its third warning.
        case .synFlood: 20 + 2000 + 60
        }
    }
}

/// One attack to inject: its kind, and optionally when it starts and how long it lasts
/// (otherwise the seed places it, and it lasts its kind's default).
public struct AttackSpec: Sendable, Equatable {
    public var kind: AttackKind
    /// Microseconds since the epoch; nil lets the seed choose.
    public var start: Int64?
    public var seconds: Int64?

    public init(kind: AttackKind, start: Int64? = nil, seconds: Int64? = nil) {
        self.kind = kind
        self.start = start
        self.seconds = seconds
    }

    /// `KIND`, `KIND@2026-11-03T10:00:00Z`, `KIND@2026-11-03T10:00:00Z/25m` or `KIND/2h`.
    /// Throws `CorpusError.invalidOptions` saying what to write instead.
    public init(parsing text: String) throws(CorpusError) {
        var rest = Substring(text)
        var duration: Substring?
        if let slash = rest.lastIndex(of: "/") {
            duration = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var startText: Substring?
        if let at = rest.firstIndex(of: "@") {
            startText = rest[rest.index(after: at)...]
            rest = rest[..<at]
        }
        let names = AttackKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kind = AttackKind(rawValue: String(rest)) else {
            throw .invalidOptions("unknown attack '\(rest)': use one of \(names) (or all), optionally KIND@START/DURATION.")
        }
        self.kind = kind
        if let startText {
            guard let micros = ScenarioText.parseRFC3339(String(startText)) else {
                throw .invalidOptions("attack '\(text)': '\(startText)' is not an RFC 3339 UTC time such as 2026-11-03T10:00:00Z.")
            }
            start = micros
        }
        if let duration {
            guard let seconds = ScenarioText.parseDuration(duration) else {
                throw .invalidOptions("attack '\(text)': '\(duration)' is not a duration such as 25m, 2h or 1h30m.")
            }
            self.seconds = seconds
        }
    }

    /// The length in seconds.
    public var length: Int64 { seconds ?? kind.defaultSeconds }
}

/// Normal traffic that looks like an attack and must not become an episode
/// (the truth lists it under `lookalikes`).
public enum LookalikeKind: String, CaseIterable, Sendable, Equatable {
    /// A monitoring host that connects to mx1 every minute, all day, says EHLO and QUIT.
    case monitor
    /// One sender's newsletter to many local users, every day at about the same
    /// time and the same volume.
    case newsletter
}

/// Availability probe results that go with the corpus (`--probes FILE`): one
/// test per service every `intervalSeconds` over the span, with outages of
/// known outcome (the truth's `incidents` and `availability`).
public struct ProbeOptions: Sendable, Equatable {
    public var intervalSeconds: Int = 300
    /// Inject outages, single failures, a maintenance window and a probe gap.
    public var outages = true

    public init(intervalSeconds: Int = 300, outages: Bool = true) {
        self.intervalSeconds = intervalSeconds
        self.outages = outages
    }

    /// The services probed, in report order.
    public static let services = ["smtp-in", "smtp-out", "pop3", "imap", "http"]
    /// The composite "server" of the agreement's default.
    public static let serverMembers = ["smtp-in", "pop3"]
}

/// What the generator injects on top of the simulated background traffic.
/// Empty by default: then the corpus is exactly what it was without scenarios.
public struct ScenarioOptions: Sendable, Equatable {
    public var attacks: [AttackSpec] = []
    public var lookalikes: [LookalikeKind] = []
    /// Recipients of each day's newsletter (at most the site's 300 users).
    public var newsletterRecipients = 120
    /// Probe results and their SLA truth; nil writes none.
    public var probes: ProbeOptions?

    public init(attacks: [AttackSpec] = [], lookalikes: [LookalikeKind] = [], probes: ProbeOptions? = nil) {
        self.attacks = attacks
        self.lookalikes = lookalikes
        self.probes = probes
    }

    /// Every attack, placed by the seed.
    public static var allAttacks: [AttackSpec] { AttackKind.allCases.map { AttackSpec(kind: $0) } }

    /// True when nothing is injected (the background alone).
    public var isEmpty: Bool { attacks.isEmpty && lookalikes.isEmpty && probes == nil }

    /// Throws `CorpusError.invalidOptions` saying what to change, including
    /// attacks and probe outages that do not fit in the span.
    func validate(_ options: CorpusOptions) throws(CorpusError) {
        let start = options.start, end = options.end
        for attack in attacks {
            if attack.length < 60 || attack.length > 2 * 86_400 {
                throw .invalidOptions("attack \(attack.kind.rawValue): its duration must be between 1 minute and 2 days.")
            }
            if let s = attack.start, s < start || s + attack.length * 1_000_000 > end - 60_000_000 {
                throw .invalidOptions("attack \(attack.kind.rawValue) at \(TimeText.rfc3339(micros: s)) does not fit in the span: start it after --start and end it before the span ends.")
            }
        }
        if newsletterRecipients < 1 || newsletterRecipients > 300 {
            throw .invalidOptions("the newsletter goes to between 1 and 300 recipients.")
        }
        if let probes, probes.intervalSeconds < 10 || probes.intervalSeconds > 3600 {
            throw .invalidOptions("--probe-interval must be between 10 seconds and 1 hour.")
        }
        // Placing them is cheap (a few thousand values a month): do it now, before anything is written.
        if !attacks.isEmpty { _ = try ScenarioPlan(options: options) }
        if probes != nil { _ = try ProbeWriter(validated: options) }
    }
}

/// Small text helpers for options (not the hot path).
enum ScenarioText {
    /// `YYYY-MM-DDThh:mm:ssZ` (UTC only) as microseconds since the epoch.
    static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
              let mi = number(14..<16), let s = number(17..<19), (1...12).contains(mo), (1...31).contains(d),
              h < 24, mi < 60, s < 60 else { return nil }
        let days = daysFromCivil(y, mo, d)
        return (Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)) * 1_000_000
    }

    /// `45s`, `25m`, `2h`, `1h30m`, `2d` → seconds.
    static func parseDuration(_ text: some StringProtocol) -> Int64? {
        var total: Int64 = 0, number: Int64 = 0, digits = 0
        for c in text.utf8 {
            if c >= 48 && c <= 57 {
                number = number * 10 + Int64(c - 48)
                digits += 1
                if digits > 9 { return nil }
                continue
            }
            guard digits > 0 else { return nil }
            switch c {
            case UInt8(ascii: "d"): total += number * 86_400
            case UInt8(ascii: "h"): total += number * 3600
            case UInt8(ascii: "m"): total += number * 60
            case UInt8(ascii: "s"): total += number
            default: return nil
            }
            number = 0
            digits = 0
        }
        return digits == 0 && total > 0 ? total : nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
