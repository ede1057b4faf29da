import MailslaCore

/// How a snapshot's event kind ids map onto this rule set's: kinds are
/// written by name once, state refers to them by the snapshot's ids, and
/// state of a kind the rule set no longer has is dropped and counted.
struct SnapshotKinds {
    /// Snapshot kind id → this rule set's id, nil when the kind is gone.
    let map: [UInt16?]
    let names: [String]
    /// Entries dropped, per kind name.
    var dropped: [String: Int] = [:]

    init(_ r: inout SnapshotReader, current: [String]) throws {
        names = try r.array { try $0.string() }
        var index: [String: UInt16] = [:]
        for (i, name) in current.enumerated() { index[name] = UInt16(i) }
        map = names.map { index[$0] }
    }

    /// The current id of a snapshot kind id read from `r`; nil (counted) when the kind is gone.
    mutating func read(_ r: inout SnapshotReader) throws -> UInt16? {
        let old = try r.index(below: map.count)
        guard let id = map[old] else {
            dropped[names[old], default: 0] += 1
            return nil
        }
        return id
    }
}

extension Detectors {
    func snapshot(into w: inout SnapshotWriter) {
        w.array(rules.kinds) { $0.string($1) }
        engine.snapshot(into: &w)
    }

    /// Loads a snapshot into these detectors, which must not have seen any event yet.
    /// Returns the dropped state per event kind the rule set no longer has.
    func restore(_ r: inout SnapshotReader, symbols: Int) throws -> [String: Int] {
        var kinds = try SnapshotKinds(&r, current: rules.kinds)
        var restored = engine
        let seen = try restored.restore(&r, kinds: &kinds, symbols: symbols)
        // Everything read: only now do the detectors change (the seen set is shared storage).
        for (slot, value) in seen { engine.seen.storage.slots[slot] = value }
        engine = restored
        return kinds.dropped
    }
}

extension DetectEngine {
    func snapshot(into w: inout SnapshotWriter) {
        w.int(now)
        var seenCount = 0
        for i in 0...seen.mask where seen.storage.slots[i] != 0 { seenCount += 1 }
        w.count(seenCount)
        var previous = 0
        for i in 0...seen.mask where seen.storage.slots[i] != 0 {
            w.count(i - previous)
            w.fixed64(seen.storage.slots[i])
            previous = i
        }
        w.array(pendingAuth.entries.sorted { ($0.key.hi, $0.key.lo) < ($1.key.hi, $1.key.lo) }) { w, entry in
            w.fixed64(entry.key.hi); w.fixed64(entry.key.lo); w.int(Int(entry.value.count)); w.int(entry.value.time)
        }
        w.int(allowListed)
        w.bool(finished)
        for detector in all { detector.snapshot(into: &w) }
        // Last, so a snapshot without it (an older mailsla's) reads as none pending, and an older
        // mailsla reading this one stops before it.
        w.array(screened.entries.sorted { ($0.key.ip.hi, $0.key.ip.lo, $0.key.host) < ($1.key.ip.hi, $1.key.ip.lo, $1.key.host) }) { w, entry in
            w.fixed64(entry.key.ip.hi); w.fixed64(entry.key.ip.lo)
            w.int(Int(entry.key.host)); w.int(Int(entry.value.count)); w.int(entry.value.time)
        }
    }

    /// Reads the engine's state; returns the seen set's entries for the caller to apply last.
    mutating func restore(_ r: inout SnapshotReader, kinds: inout SnapshotKinds, symbols: Int) throws -> [(Int, UInt64)] {
        now = try r.int64()
        var seenEntries: [(Int, UInt64)] = []
        var slot = 0
        for i in 0..<(try r.count()) {
            let gap = try r.uint()
            guard gap <= UInt64(seen.mask), (i == 0 || gap > 0), slot + Int(gap) <= seen.mask else {
                throw r.error("seen-set slot out of range")
            }
            slot += Int(gap)
            seenEntries.append((slot, try r.fixed64()))
        }
        pendingAuth = PendingCounts(window: pendingAuth.window, limit: pendingAuth.limit)
        for _ in 0..<(try r.count()) {
            let ip = IPAddress(hi: try r.fixed64(), lo: try r.fixed64())
            pendingAuth.restore(ip, .init(count: try r.int32(), time: try r.int64()))
        }
        allowListed = try r.nonNegative()
        finished = try r.bool()
        try connFlood.restore(&r, kinds: &kinds, symbols: symbols)
        try authBruteforce.restore(&r, kinds: &kinds, symbols: symbols)
        try mailbomb.restore(&r, kinds: &kinds, symbols: symbols)
        try resourceExhaustion.restore(&r, kinds: &kinds, symbols: symbols)
        try synFlood.restore(&r, kinds: &kinds, symbols: symbols)
        screened = PendingCounts(window: screened.window, limit: screened.limit)
        if !r.atEnd {
            for _ in 0..<(try r.count()) {
                let ip = IPAddress(hi: try r.fixed64(), lo: try r.fixed64())
                let client = HostClient(host: UInt32(clamping: try r.int64()), ip: ip)
                screened.restore(client, .init(count: try r.int32(), time: try r.int64()))
            }
        }
        return seenEntries
    }
}

extension Detector {
    func snapshot(into w: inout SnapshotWriter) {
        w.string(kind.rawValue)
        w.array(tables) { $1.snapshot(into: &$0) }
        w.array(open) { $1.snapshot(into: &$0) }
        w.array(finished) { $1.snapshot(into: &$0) }
        // The ring oldest first, whatever its head: the same events always give the same bytes.
        w.count(ring.count)
        var previous: Int64 = 0
        for k in 0..<ring.count {
            let i = ring.count == ringCapacity ? (ringHead + k) & (ringCapacity - 1) : k
            ring[i].snapshot(into: &w, after: previous)
            previous = ring[i].time
            w.int(Int(attributed[i]))
            w.optionalString(ringLabels[i])
        }
        w.int(Int(nextSerial)); w.int(droppedEvents); w.int(saturatedKeys); w.int(droppedEpisodes)
    }

    mutating func restore(_ r: inout SnapshotReader, kinds: inout SnapshotKinds, symbols: Int) throws {
        let name = try r.string()
        guard name == kind.rawValue else { throw r.error("expected the \(kind.rawValue) detector, found \(name)") }
        guard try r.count() == tables.count else { throw r.error("\(name): the number of key families changed") }
        for f in tables.indices { try tables[f].restore(&r, symbols: symbols) }
        let kindCount = self.kinds
        let settings = self.settings
        let tables = self.tables
        func hot(_ r: inout SnapshotReader) throws -> (family: Int, slot: Int32) {
            let f = try r.index(below: tables.count)
            return (f, Int32(try r.index(below: tables[f].slots.count)))
        }
        open = try r.array { try OpenEpisode(snapshot: &$0, kinds: &kinds, count: kindCount, symbols: symbols, settings: settings, hot: hot) }
        finished = try r.array { try FinishedEpisode(snapshot: &$0, kind: kind, kinds: &kinds, count: kindCount, symbols: symbols, settings: settings) }
        var entries: [(Evidence, Int32, String?)] = []
        var previous: Int64 = 0
        for _ in 0..<(try r.count()) {
            let evidence = try Evidence(snapshot: &r, after: &previous, kinds: &kinds, symbols: symbols)
            let note = try r.int32()
            let label = try r.optionalString()
            if let evidence { entries.append((evidence, note, label)) }
        }
        if entries.count > ringCapacity { entries.removeFirst(entries.count - ringCapacity) }
        ring = entries.map(\.0)
        attributed = entries.map(\.1)
        ringLabels = [:]
        for (i, entry) in entries.enumerated() where entry.2 != nil { ringLabels[i] = entry.2 }
        ringHead = 0
        nextSerial = try r.int32()
        droppedEvents = try r.nonNegative(); saturatedKeys = try r.nonNegative(); droppedEpisodes = try r.nonNegative()
    }
}

extension Evidence {
    /// Compact, as the ring holds thousands: time as the step from the previous event, the name
    /// hash only when there is one, addresses as varints (IPv4 fits in a few bytes).
    func snapshot(into w: inout SnapshotWriter, after previous: Int64) {
        w.int(time &- previous); w.count(Int(host)); w.count(Int(kind)); w.int(Int(weight))
        w.count(Int(nameType.rawValue))
        w.optional(name == 0 ? nil : name) { $0.fixed64($1) }
        w.optional(ip) { $0.uint($1.hi); $0.uint($1.lo) }
    }

    /// Nil when the event's kind is gone from the rule set (counted in `kinds`).
    init?(snapshot r: inout SnapshotReader, after previous: inout Int64, kinds: inout SnapshotKinds, symbols: Int) throws {
        let time = previous &+ (try r.int64())
        previous = time
        let host = UInt32(try r.index(below: symbols))
        let kind = try kinds.read(&r)
        let weight = try r.int32()
        guard let type = OffenderType(rawValue: UInt8(clamping: try r.uint())) else { throw r.error("unknown offender type") }
        let name = try r.optional { try $0.fixed64() } ?? 0
        let ip = try r.optional { IPAddress(hi: try $0.uint(), lo: try $0.uint()) }
        guard let kind else { return nil }
        self.init(time: time, host: host, kind: kind, weight: weight, ip: ip)
        self.name = name
        nameType = type
    }
}

extension WindowTable {
    func snapshot(into w: inout SnapshotWriter) {
        w.int(evicted); w.int(expired)
        w.array(slots) { w, s in
            w.count(Int(s.key.host)); w.count(Int(s.key.family)); w.fixed64(s.key.hi); w.fixed64(s.key.lo)
            w.int(s.head); w.int(Int(s.total)); w.int(s.firstSinceReset); w.int(s.lastSeen); w.int(s.lastAbove)
            w.int(Int(s.episode)); w.float(s.peak); w.int(s.peakTime); w.int(s.tumbleStart); w.int(Int(s.tumbleCount))
            w.bool(s.tumbleHot)
        }
        w.array(counts) { $0.uint(UInt64($1)) }
        w.array(free) { $0.count(Int($1)) }
    }

    /// Loads the table's keys and windows (its thresholds and capacity are the new settings'), and rebuilds its index.
    mutating func restore(_ r: inout SnapshotReader, symbols: Int) throws {
        evicted = try r.nonNegative(); expired = try r.nonNegative()
        let slots = try r.array { r in
            var s = WindowSlot(key: DetectKey(host: UInt32(try r.index(below: symbols)), family: UInt8(try r.index(below: 256)),
                                              hi: try r.fixed64(), lo: try r.fixed64()))
            s.head = try r.int64(); s.total = try r.int32(); s.firstSinceReset = try r.int64(); s.lastSeen = try r.int64()
            s.lastAbove = try r.int64(); s.episode = try r.int32(); s.peak = try r.float(); s.peakTime = try r.int64()
            s.tumbleStart = try r.int64(); s.tumbleCount = try r.int32(); s.tumbleHot = try r.bool()
            return s
        }
        let counts = try r.array { try $0.uint32() }
        guard counts.count == slots.count * Self.buckets else { throw r.error("window counts do not match the keys") }
        var isFree = [Bool](repeating: false, count: slots.count)
        let free = try r.array { r in
            let s = try r.index(below: slots.count)
            guard !isFree[s] else { throw r.error("slot \(s) is free twice") }
            isFree[s] = true
            return Int32(s)
        }
        self.slots = slots
        self.counts = counts
        self.free = free
        count = slots.count - free.count
        rebuildIndex(live: liveSlots())
    }
}

extension TopCounter {
    func snapshot(into w: inout SnapshotWriter) {
        w.array(entries) { w, e in
            w.count(Int(e.id.type.rawValue)); w.fixed64(e.id.hi); w.fixed64(e.id.lo); w.string(e.label); w.int(e.count)
        }
    }

    init(snapshot r: inout SnapshotReader, capacity: Int) throws {
        self.init(capacity: capacity)
        entries = try r.array { r in
            guard let type = OffenderType(rawValue: UInt8(clamping: try r.uint())) else { throw r.error("unknown offender type") }
            return (OffenderID(type: type, hi: try r.fixed64(), lo: try r.fixed64()), try r.string(), try r.int())
        }
        for (i, e) in entries.enumerated() { index[e.id] = i }
    }
}

extension MinuteSeries {
    func snapshot(into w: inout SnapshotWriter) {
        w.array(entries) { $0.int($1.minute); $0.int($1.count) }
        w.int(elidedMinutes); w.int(elidedEvents)
    }

    init(snapshot r: inout SnapshotReader, limit: Int) throws {
        self.init(limit: limit)
        entries = try r.array { MinuteCount(minute: try $0.int64(), count: try $0.int()) }
        elidedMinutes = try r.nonNegative(); elidedEvents = try r.int()
    }
}

/// An episode's evidence tally (by event kind id) as (snapshot kind id, count) pairs.
private func snapshotEvidence(_ evidence: [Int], into w: inout SnapshotWriter) {
    let used = evidence.enumerated().filter { $0.element != 0 }
    w.array(used) { $0.count($1.offset); $0.int($1.element) }
}

private func readEvidence(_ r: inout SnapshotReader, kinds: inout SnapshotKinds, count: Int) throws -> [Int] {
    var evidence = [Int](repeating: 0, count: count)
    for _ in 0..<(try r.count()) {
        let kind = try kinds.read(&r)
        let n = try r.int()
        if let kind, Int(kind) < count { evidence[Int(kind)] = n }
    }
    return evidence
}

extension OpenEpisode {
    func snapshot(into w: inout SnapshotWriter) {
        w.int(Int(serial)); w.count(Int(host)); w.int(start); w.int(end); w.int(horizon)
        w.array(hot) { $0.count($1.family); $0.count(Int($1.slot)) }
        w.string(openedBy)
        snapshotEvidence(evidence, into: &w)
        offenders.snapshot(into: &w); targets.snapshot(into: &w); minutes.snapshot(into: &w)
    }

    init(snapshot r: inout SnapshotReader, kinds: inout SnapshotKinds, count: Int, symbols: Int, settings: DetectionSettings,
         hot: (inout SnapshotReader) throws -> (family: Int, slot: Int32)) throws {
        let serial = try r.int32(), host = UInt32(try r.index(below: symbols))
        let start = try r.int64(), end = try r.int64(), horizon = try r.int64()
        let hotKeys = try r.array(hot)
        self.init(serial: serial, host: host, start: start, end: end, horizon: horizon, openedBy: try r.string(), kinds: count,
                  settings: settings)
        self.hot = hotKeys
        evidence = try readEvidence(&r, kinds: &kinds, count: count)
        offenders = try TopCounter(snapshot: &r, capacity: offenders.capacity)
        targets = try TopCounter(snapshot: &r, capacity: targets.capacity)
        minutes = try MinuteSeries(snapshot: &r, limit: minutes.limit)
    }
}

extension FinishedEpisode {
    func snapshot(into w: inout SnapshotWriter) {
        w.count(Int(host)); w.int(start); w.int(end)
        snapshotEvidence(evidence, into: &w)
        offenders.snapshot(into: &w); targets.snapshot(into: &w); minutes.snapshot(into: &w)
        w.string(openedBy); w.string(closedBy); w.int(hotKeys)
    }

    init(snapshot r: inout SnapshotReader, kind: EpisodeKind, kinds: inout SnapshotKinds, count: Int, symbols: Int,
         settings: DetectionSettings) throws {
        let host = UInt32(try r.index(below: symbols))
        var shell = OpenEpisode(serial: 0, host: host, start: try r.int64(), end: try r.int64(), horizon: 0, openedBy: "",
                                kinds: count, settings: settings)
        shell.evidence = try readEvidence(&r, kinds: &kinds, count: count)
        shell.offenders = try TopCounter(snapshot: &r, capacity: shell.offenders.capacity)
        shell.targets = try TopCounter(snapshot: &r, capacity: shell.targets.capacity)
        shell.minutes = try MinuteSeries(snapshot: &r, limit: shell.minutes.limit)
        let openedBy = try r.string()
        self.init(shell, kind: kind, closedBy: try r.string(), hotKeys: try r.nonNegative())
        self.openedBy = openedBy
    }
}
