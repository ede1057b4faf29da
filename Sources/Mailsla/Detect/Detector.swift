/// One evidence event as a detector sees it: when, where, how heavy, and the
/// keys it may count under. A plain value (no references), so the ring of
/// recent evidence costs no reference counting.
struct Evidence {
    var time: Int64
    /// The client address as bits (valid when `hasIP`): no optional, so the ring packs densely.
    private var ipHi: UInt64 = 0
    private var ipLo: UInt64 = 0
    /// Hash of the name key (user, mail address, service, port); 0 for none.
    var name: UInt64 = 0
    var host: UInt32
    var weight: Int32
    /// The event kind id in the rule set.
    var kind: UInt16
    var nameType: OffenderType = .user
    private var hasIP = false

    init(time: Int64, host: UInt32, kind: UInt16, weight: Int32, ip: IPAddress? = nil) {
        self.time = time
        self.host = host
        self.kind = kind
        self.weight = weight
        if let ip {
            ipHi = ip.hi
            ipLo = ip.lo
            hasIP = true
        }
    }

    var ip: IPAddress? {
        @inline(__always) get { hasIP ? IPAddress(hi: ipHi, lo: ipLo) : nil }
    }
}

/// How a family derives its key from an event.
enum KeyScope {
    case client
    case network(v4: Int, v6: Int)
    case server
    case name

    @inline(__always)
    func key(_ e: Evidence, family: UInt8) -> DetectKey? {
        switch self {
        case .client:
            guard let ip = e.ip else { return nil }
            return DetectKey(host: e.host, family: family, hi: ip.hi, lo: ip.lo)
        case .network(let v4, let v6):
            guard let ip = e.ip else { return nil }
            // An IPv4 prefix is at least 96 of the 128 bits: only the low word is masked.
            if ip.isV4 { return DetectKey(host: e.host, family: family, hi: ip.hi, lo: ip.lo & IPAddress.mask(32 + v4)) }
            let net = ip.masked(prefix: v6)
            return DetectKey(host: e.host, family: family, hi: net.hi, lo: net.lo)
        case .server:
            return DetectKey(host: e.host, family: family, hi: 0, lo: 0)
        case .name:
            guard e.name != 0 else { return nil }
            return DetectKey(host: e.host, family: family, hi: e.name, lo: UInt64(e.nameType.rawValue))
        }
    }

    /// The key as text for `opened_by`.
    func describe(_ e: Evidence, label: () -> String?) -> String {
        switch self {
        case .client: return e.ip.map { "\($0)" } ?? "?"
        case .network(let v4, let v6):
            guard let ip = e.ip else { return "?" }
            return "\(IPNetwork(address: ip, prefix: ip.isV4 ? 96 + v4 : v6))"
        case .server: return "the host"
        case .name: return label() ?? "?"
        }
    }
}

/// What counting one event did in each of (at most four) families.
struct Steps {
    static let capacity = 4
    private var s0, s1, s2, s3: WindowTable.Step?

    subscript(f: Int) -> WindowTable.Step? {
        get {
            switch f {
            case 0: s0
            case 1: s1
            case 2: s2
            default: s3
            }
        }
        set {
            switch f {
            case 0: s0 = newValue
            case 1: s1 = newValue
            case 2: s2 = newValue
            default: s3 = newValue
            }
        }
    }
}

/// One key family of a detector: its name, how its key is derived, and its thresholds.
struct KeyFamily {
    let name: String
    let scope: KeyScope
    let table: WindowTable
}

/// Which key of an event names its offender, and which its target.
enum OffenderRule {
    /// The client address.
    case client
    /// The event's name key (a mail address, a service, a port).
    case name
    /// No target.
    case none
}

/// An episode while it is open.
struct OpenEpisode {
    let serial: Int32
    let host: UInt32
    var start: Int64
    /// The last event that kept one of its keys at or above the close level.
    var end: Int64
    /// It closes once `end` is this far behind the stream (the longest horizon of its keys).
    var horizon: Int64
    var hot: [(family: Int, slot: Int32)] = []
    let openedBy: String
    /// Evidence events by event kind id.
    var evidence: [Int]
    var offenders: TopCounter
    var targets: TopCounter
    var minutes: MinuteSeries

    init(serial: Int32, host: UInt32, start: Int64, end: Int64, horizon: Int64, openedBy: String, kinds: Int,
         settings: DetectionSettings) {
        self.serial = serial
        self.host = host
        self.start = start
        self.end = end
        self.horizon = horizon
        self.openedBy = openedBy
        evidence = Array(repeating: 0, count: kinds)
        offenders = TopCounter(capacity: max(64, settings.topOffenders * 4))
        targets = TopCounter(capacity: max(64, settings.topOffenders * 4))
        minutes = MinuteSeries(limit: settings.maxEvidenceMinutes)
    }
}

/// An episode as it closed, before numbering.
struct FinishedEpisode {
    var kind: EpisodeKind
    var host: UInt32
    var start: Int64
    var end: Int64
    var offenders: TopCounter
    var targets: TopCounter
    var evidence: [Int]
    var minutes: MinuteSeries
    var openedBy: String
    var closedBy: String
    var hotKeys: Int

    init(_ episode: OpenEpisode, kind: EpisodeKind, closedBy: String, hotKeys: Int) {
        self.kind = kind
        host = episode.host
        start = episode.start
        end = episode.end
        offenders = episode.offenders
        targets = episode.targets
        evidence = episode.evidence
        minutes = episode.minutes
        openedBy = episode.openedBy
        self.closedBy = closedBy
        self.hotKeys = hotKeys
    }
}

/// A detector of one kind: key families with sliding windows and
/// hysteresis, turned into episodes per host.
///
/// A synchronous state machine on event time, held by value so its hot path
/// runs without reference counting or exclusivity checks. An event counts in
/// the families the caller names; a key that crosses its open threshold
/// turns hot and opens (or joins) the host's episode of this kind; the
/// episode closes when its last key has been quiet for its horizon. Recent
/// evidence is kept in a ring, so an opening episode also gets the events of
/// the window that opened it.
struct Detector {
    let kind: EpisodeKind
    let names: [String]
    let scopes: [KeyScope]
    var tables: [WindowTable]
    /// Each family's open threshold, read on every event.
    let openAt: [Int]
    /// Families switched on (an open threshold above 0).
    let enabled: UInt8
    let settings: DetectionSettings
    let offenderRule: OffenderRule
    let targetRule: OffenderRule
    /// Event kinds in the rule set (the size of an episode's evidence tally).
    let kinds: Int

    /// Open episodes, one per host at most (a handful: found by a scan).
    var open: [OpenEpisode] = []
    var finished: [FinishedEpisode] = []
    var ring: [Evidence] = []
    var attributed: [Int32] = []
    /// Names of ring entries whose label the detector keeps (users, services, ports), by ring index.
    var ringLabels: [Int: String] = [:]
    var ringHead = 0
    let ringCapacity: Int
    var nextSerial: Int32 = 0
    var droppedEvents = 0
    var saturatedKeys = 0
    var droppedEpisodes = 0

    /// `kinds`: the number of event kinds in the rule set; `ringCapacity`: a power of two.
    init(kind: EpisodeKind, families: [KeyFamily], settings: DetectionSettings, kinds: Int, ringCapacity: Int = 8192,
         offender: OffenderRule, target: OffenderRule = .none) {
        self.kind = kind
        names = families.map(\.name)
        scopes = families.map(\.scope)
        tables = families.map(\.table)
        openAt = families.map(\.table.threshold.open)
        var enabled: UInt8 = 0
        for (f, family) in families.enumerated() where family.table.threshold.open > 0 { enabled |= 1 << UInt8(f) }
        self.enabled = enabled
        self.settings = settings
        self.kinds = kinds
        precondition(families.count <= Steps.capacity, "at most four families per detector")
        precondition(ringCapacity > 0 && ringCapacity & (ringCapacity - 1) == 0, "the ring is a power of two")
        self.ringCapacity = ringCapacity
        offenderRule = offender
        targetRule = target
    }

    /// Counts one event in the families of `mask` (bit i = family i).
    /// `label` spells the event's name (a user, a mail address) on demand;
    /// `keepLabel` keeps it with the remembered event (for rare kinds).
    mutating func observe(_ e: Evidence, mask: UInt8, keepLabel: Bool = false, label: () -> String?) {
        // Count first, in one tight pass over the tables; then act on what crossed a line.
        var steps = Steps()
        var counted: UInt8 = 0
        let scopes = self.scopes
        var dropped = 0
        tables.withUnsafeMutableBufferPointer { tables in
            var bits = mask & enabled
            while bits != 0 {
                let f = bits.trailingZeroBitCount
                bits &= bits &- 1
                guard f < tables.count, let key = scopes[f].key(e, family: UInt8(truncatingIfNeeded: f)) else { continue }
                if let step = tables[f].count(key, at: e.time, weight: e.weight) {
                    steps[f] = step
                    counted |= 1 << UInt8(truncatingIfNeeded: f)
                } else {
                    dropped += 1
                }
            }
        }
        droppedEvents += dropped
        var target: Int?
        // Only the families that counted, in family order.
        while counted != 0 {
            let f = counted.trailingZeroBitCount
            counted &= counted &- 1
            guard let step = steps[f] else { continue }
            if step.episode >= 0 {
                if step.above, let i = openIndex(e.host), open[i].serial == step.episode {
                    if e.time > tables[f][step.slot].lastAbove { tables[f][step.slot].lastAbove = e.time }
                    if e.time > open[i].end { open[i].end = e.time }
                    target = i
                }
            } else if step.count >= openAt[f], baselineAllows(f, step.slot, count: step.count, at: e.time) {
                if let i = heat(f, step.slot, e, count: step.count, label: label) { target = i }
            }
        }
        var note = Int32(-1)
        if let i = target {
            attribute(i, e, label: label)
            note = open[i].serial
        }
        remember(e, attributedTo: note, label: keepLabel ? label() : nil)
    }

    @inline(__always)
    private func openIndex(_ host: UInt32) -> Int? {
        for i in 0..<open.count where open[i].host == host { return i }
        return nil
    }

    private func baselineAllows(_ f: Int, _ s: Int32, count: Int, at t: Int64) -> Bool {
        guard let baseline = tables[f].baseline else { return true }
        return Double(count) >= baseline.factor * tables[f].baselineLevel(s, at: t)
    }

    /// Turns a key hot: opens the host's episode or joins the open one.
    /// Returns the episode's index, or nil when no episode takes it.
    private mutating func heat(_ f: Int, _ s: Int32, _ e: Evidence, count: Int, label: () -> String?) -> Int? {
        if let i = openIndex(e.host), e.time - open[i].end >= open[i].horizon {
            close(i, by: "quiet for \(open[i].horizon / 1_000_000) s after the last evidence")
        }
        let windowStart = tables[f].windowStart(s)
        let i: Int
        if let current = openIndex(e.host) {
            i = current
            guard open[i].hot.count < settings.maxHotKeysPerEpisode else {
                saturatedKeys += 1
                return i
            }
            if windowStart < open[i].start { open[i].start = windowStart }
            open[i].horizon = max(open[i].horizon, tables[f].horizon)
        } else {
            guard finished.count + open.count < settings.maxEpisodes else {
                droppedEpisodes += 1
                return nil
            }
            let threshold = tables[f].threshold
            var why = "\(names[f]) \(scopes[f].describe(e, label: label)) reached \(count) events in \(threshold.windowSeconds) s"
            why += " (opens at \(threshold.open)"
            if let baseline = tables[f].baseline {
                let level = (tables[f].baselineLevel(s, at: e.time) * 10).rounded() / 10
                why += " and \(Int(baseline.factor)) × its baseline \(level)"
            }
            why += ")"
            i = open.count
            open.append(OpenEpisode(serial: nextSerial, host: e.host, start: windowStart, end: e.time,
                                    horizon: tables[f].horizon, openedBy: why, kinds: kinds, settings: settings))
            nextSerial += 1
        }
        tables[f][s].episode = open[i].serial
        tables[f][s].lastAbove = e.time
        if e.time > open[i].end { open[i].end = e.time }
        open[i].hot.append((f, s))
        seed(i, family: f, slot: s, since: windowStart, event: e, label: label)
        return i
    }

    /// Gives a new hot key's window to its episode: the remembered events of
    /// that key not yet counted in it; what the ring no longer holds is
    /// counted under the opening event.
    private mutating func seed(_ episode: Int, family f: Int, slot s: Int32, since start: Int64, event: Evidence,
                               label: () -> String?) {
        let key = tables[f][s].key
        let perEvent = tables[f].threshold.countsEvents
        let serial = open[episode].serial
        let host = open[episode].host
        let scope = scopes[f]
        // Newest first; the ring is in arrival order, so stop a few seconds (of
        // tolerated disorder) before the window began.
        var matched = 0
        var n = 0
        var i = ring.count == ringCapacity ? ringHead : ring.count
        while n < ring.count {
            i = i == 0 ? ring.count - 1 : i - 1
            n += 1
            let note = ring[i]
            if note.time < start - 5_000_000 { break }
            guard note.host == host, note.time >= start, scope.key(note, family: UInt8(f)) == key else { continue }
            matched += perEvent ? 1 : Int(note.weight)
            if attributed[i] == serial { continue }
            let known = ringLabels[i]
            attribute(episode, note, label: { known ?? (note.name == event.name ? label() : nil) })
            attributed[i] = serial
        }
        // The window before this event, less what the ring gave.
        let missing = Int(tables[f][s].total - (perEvent ? 1 : event.weight)) - matched
        if missing > 0 {
            var lump = event
            lump.weight = Int32(missing)
            lump.time = start
            attribute(episode, lump, label: label)
        }
    }

    private mutating func attribute(_ i: Int, _ e: Evidence, label: () -> String?) {
        let w = Int(e.weight)
        open[i].evidence[Int(e.kind)] += w
        open[i].minutes.add(at: e.time, weight: w)
        if let id = Self.id(offenderRule, e) {
            open[i].offenders.add(id, weight: w, label: label)
        }
        if let id = Self.id(targetRule, e) {
            open[i].targets.add(id, weight: w, label: label)
        }
    }

    @inline(__always)
    private static func id(_ rule: OffenderRule, _ e: Evidence) -> OffenderID? {
        switch rule {
        case .client:
            guard let ip = e.ip else { return nil }
            return OffenderID(type: .ip, hi: ip.hi, lo: ip.lo)
        case .name:
            return e.name == 0 ? nil : OffenderID(type: e.nameType, hi: e.name, lo: 0)
        case .none:
            return nil
        }
    }

    private mutating func remember(_ e: Evidence, attributedTo serial: Int32, label: String?) {
        let index: Int
        if ring.count < ringCapacity {
            index = ring.count
            ring.append(e)
            attributed.append(serial)
        } else {
            index = ringHead
            ring[index] = e
            attributed[index] = serial
            ringHead = (ringHead + 1) & (ringCapacity - 1)
        }
        if let label {
            ringLabels[index] = label
        } else if !ringLabels.isEmpty {
            ringLabels[index] = nil
        }
    }

    /// Closes episodes whose keys have all been quiet long enough at `now`.
    mutating func sweep(now: Int64) {
        var i = open.count - 1
        while i >= 0 {
            if now - open[i].end >= open[i].horizon {
                close(i, by: "quiet for \(open[i].horizon / 1_000_000) s after the last evidence")
            }
            i -= 1
        }
    }

    /// The input ended: every open episode closes at its last evidence.
    mutating func finish() {
        while let i = open.indices.min(by: { open[$0].serial < open[$1].serial }) {
            close(i, by: "the input ended")
        }
    }

    /// Closes the open episode at index `i` (the last one moves into its place).
    private mutating func close(_ i: Int, by reason: String) {
        let episode = open[i]
        if i != open.count - 1 { open.swapAt(i, open.count - 1) }
        open.removeLast()
        var keys = Set<Int64>()
        for (f, s) in episode.hot {
            if tables[f][s].episode == episode.serial {
                tables[f][s].episode = -1
                tables[f].reset(s)
            }
            keys.insert(Int64(f) << 32 | Int64(s))
        }
        finished.append(FinishedEpisode(episode, kind: kind, closedBy: reason, hotKeys: keys.count))
    }
}
