/// The kinds of attack mailsla turns into episodes.
public enum EpisodeKind: String, Sendable, CaseIterable, Comparable {
    case connFlood = "conn_flood"
    case authBruteforce = "auth_bruteforce"
    case mailbomb
    case resourceExhaustion = "resource_exhaustion"
    case synFlood = "syn_flood"

    public static func < (a: EpisodeKind, b: EpisodeKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One attack as the report shows it: when it started and ended, what kind
/// it was, who was behind it and what the logs showed.
///
/// `start` is when the evidence that opened it began (the start of the
/// window that crossed the threshold); `end` is the last event that kept it
/// above its close threshold. Times are microseconds since the epoch (UTC).
public struct Episode: Sendable, Equatable {
    /// `E1`, `E2`, … in start order over the whole run.
    public var id: String
    public var kind: EpisodeKind
    public var host: String
    public var start: Int64
    public var end: Int64
    /// Who caused it (client addresses, a sender, a SASL user, a service), busiest first.
    public var topOffenders: [Offender]
    /// Who was hit, when the attack aimed at names (user names of a brute force).
    public var targets: [Offender]
    /// Evidence events by event kind (`attack.pregreet`: 512).
    public var evidence: [EvidenceCount]
    /// Evidence per minute, for explaining the episode; the middle of a long episode is elided.
    public var minutes: [MinuteCount]
    /// Minutes left out of `minutes` (with their events) to keep it bounded.
    public var elidedMinutes: Int
    public var elidedEvents: Int
    /// What opened it: which key crossed which threshold.
    public var openedBy: String
    /// What closed it: the quiet period, or the end of the input.
    public var closedBy: String
    /// Keys that were hot in it (client addresses, networks, users, …).
    public var hotKeys: Int

    /// Minutes from start to end.
    public var minutesLong: Double { Double(end - start) / 60e6 }

    /// Evidence events in all.
    public var totalEvidence: Int { evidence.reduce(0) { $0 + $1.count } }
}

/// An offender or a target with the number of evidence events it accounts for.
public struct Offender: Sendable, Equatable {
    /// An address, a network, a mail address, a user name, a service.
    public var key: String
    /// `ip`, `user`, `recipient`, `sender`, `sasl_username`, `service`, `port`.
    public var type: String
    public var count: Int
}

public struct EvidenceCount: Sendable, Equatable {
    public var kind: String
    public var count: Int
}

public struct MinuteCount: Sendable, Equatable {
    /// The minute's start, microseconds since the epoch.
    public var minute: Int64
    public var count: Int
}

/// What the detectors found, and what bounding them cost.
public struct DetectionResult: Sendable, Equatable {
    public var episodes: [Episode]
    public var stats: DetectionStats
}

/// Counters that say how much the bounds cut: none of them should be large.
public struct DetectionStats: Sendable, Equatable {
    /// Evidence events of allow-listed clients or names, skipped.
    public var allowListed = 0
    /// Keys evicted while busy because a table was full (an attacker rotating addresses).
    public var evictedKeys = 0
    /// Keys dropped because their window had emptied.
    public var expiredKeys = 0
    /// Keys held at the end.
    public var keys = 0
    /// Events not counted for a family because its table was full of hot keys.
    public var droppedEvents = 0
    /// Keys that crossed a threshold while their episode already had the maximum of hot keys.
    public var saturatedKeys = 0
    /// Episodes past `maxEpisodes`, not kept.
    public var droppedEpisodes = 0
    /// Allow-list entries that are not addresses or networks.
    public var invalidAllowListEntries: [String] = []
}

// MARK: bounded tallies

/// The kind of an offender or target key.
enum OffenderType: UInt8 {
    case ip, network, user, recipient, sender, saslUsername, service, port

    var name: String {
        switch self {
        case .ip: "ip"
        case .network: "network"
        case .user: "user"
        case .recipient: "recipient"
        case .sender: "sender"
        case .saslUsername: "sasl_username"
        case .service: "service"
        case .port: "port"
        }
    }
}

struct OffenderID: Hashable {
    var type: OffenderType
    var hi: UInt64
    var lo: UInt64
}

/// The heaviest keys of a stream in bounded memory (the space-saving
/// algorithm): exact while fewer than `capacity` keys were seen; beyond,
/// a newcomer takes the lightest entry's place and count.
struct TopCounter {
    let capacity: Int
    var entries: [(id: OffenderID, label: String, count: Int)] = []
    var index: [OffenderID: Int] = [:]
    private var last = -1

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Counts `weight` for `id`. A new key is spelled once: an address from its
    /// bits, a name by `label`; a name that cannot be spelled is not counted.
    mutating func add(_ id: OffenderID, weight: Int, label: () -> String?) {
        // Floods repeat one key event after event: skip the hash for it.
        if last >= 0, last < entries.count, entries[last].id == id {
            entries[last].count += weight
            return
        }
        if let i = index[id] {
            entries[i].count += weight
            last = i
            return
        }
        let text: String
        switch id.type {
        case .ip, .network: text = "\(IPAddress(hi: id.hi, lo: id.lo))"
        default:
            guard let made = label() else { return }
            text = made
        }
        if entries.count < capacity {
            index[id] = entries.count
            entries.append((id, text, weight))
            return
        }
        var m = 0
        for i in 1..<entries.count where entries[i].count < entries[m].count { m = i }
        index[entries[m].id] = nil
        index[id] = m
        entries[m] = (id, text, entries[m].count + weight)
    }

    func top(_ n: Int, type: (OffenderID) -> String) -> [Offender] {
        entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
            .prefix(n).map { Offender(key: $0.label, type: type($0.id), count: $0.count) }
    }
}

/// Evidence per minute, sorted, bounded: past `limit` minutes the middle is
/// dropped (counted), so the minutes that opened and closed an episode stay.
struct MinuteSeries {
    let limit: Int
    var entries: [MinuteCount] = []
    var elidedMinutes = 0
    var elidedEvents = 0

    init(limit: Int) { self.limit = max(2, limit) }

    mutating func add(at t: Int64, weight: Int) {
        let minute = t - ((t % 60_000_000) + 60_000_000) % 60_000_000
        if let last = entries.last, last.minute == minute {
            entries[entries.count - 1].count += weight
            return
        }
        if entries.last.map({ minute > $0.minute }) ?? true {
            entries.append(MinuteCount(minute: minute, count: weight))
        } else {
            var lo = 0, hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if entries[mid].minute < minute { lo = mid + 1 } else { hi = mid }
            }
            if lo < entries.count, entries[lo].minute == minute {
                entries[lo].count += weight
                return
            }
            entries.insert(MinuteCount(minute: minute, count: weight), at: lo)
        }
        if entries.count > limit {
            let dropped = entries.remove(at: limit / 2)
            elidedMinutes += 1
            elidedEvents += dropped.count
        }
    }
}
