import Foundation

/// The identity of one tracked key: its host, its family (client, network,
/// user, recipient, …) and 128 bits (an address, a masked network, or a name hash).
struct DetectKey: Hashable {
    var host: UInt32
    var family: UInt8
    var hi: UInt64
    var lo: UInt64

    /// One word into the hasher instead of four: keys are hashed on every evidence event.
    func hash(into hasher: inout Hasher) {
        hasher.combine(NameHash.mix(hi ^ (lo &* 0x9e37_79b9_7f4a_7c15), UInt64(host) << 8 | UInt64(family)))
    }
}

/// The state of one key: a sliding window of counts, its hysteresis and,
/// for baseline families, the busiest earlier window.
struct WindowSlot {
    var key: DetectKey
    /// Index of the newest bucket (time / bucket width).
    var head: Int64 = .min
    var total: Int32 = 0
    /// The first event since the window was last empty (or reset).
    var firstSinceReset: Int64 = .max
    var lastSeen: Int64 = .min
    /// The last event that kept the key at or above its close threshold while hot.
    var lastAbove: Int64 = .min
    /// Serial of the episode the key is hot in; -1 when cool.
    var episode: Int32 = -1
    /// Baseline: the busiest earlier window and when it was last decayed.
    var peak: Float = 0
    var peakTime: Int64 = 0
    /// Baseline: the tumbling window being filled.
    var tumbleStart: Int64 = .min
    var tumbleCount: Int32 = 0
    var tumbleHot = false

    var isHot: Bool { episode >= 0 }
}

/// Per-key sliding windows for one detector family, in bounded memory.
///
/// Each key has `buckets` counters of `window / buckets` each, so the window
/// slides in steps of a sixteenth. The table holds at most `capacity` keys:
/// when full, keys whose window is empty are dropped (counted as expired),
/// then, if still three quarters full, the quietest cool keys are evicted
/// (counted) down to half — an attacker rotating addresses costs a counter,
/// never memory. Hot keys are never evicted. Amortized O(log n) per insert.
struct WindowTable {
    static let buckets = 16  // a power of two: slot s's counters start at s << 4
    let threshold: WindowThreshold
    let baseline: BaselineThreshold?
    /// Bucket width in microseconds.
    let width: Int64
    /// Buckets that make up the close window.
    let closeBuckets: Int
    /// A hot key cools when nothing kept it at its close level for this long (µs).
    let horizon: Int64
    let capacity: Int

    /// Open-addressing index from key to slot: -1 empty. A cheap mix of the
    /// key instead of SipHash, since every evidence event looks keys up.
    private var hashIndex: [Int32] = Array(repeating: -1, count: 64)
    /// The last key looked up and its slot: events of one client come in runs.
    private var lastKey = DetectKey(host: .max, family: .max, hi: 0, lo: 0)
    private var lastSlot: Int32 = -1
    private var bucketMask = 63
    var count = 0
    var slots: [WindowSlot] = []
    var counts: [UInt32] = []
    var free: [Int32] = []
    var evicted = 0
    var expired = 0

    init(threshold: WindowThreshold, baseline: BaselineThreshold? = nil, capacity: Int) {
        self.threshold = threshold
        self.baseline = baseline
        self.capacity = max(16, capacity)
        let windowMicros = max(1, threshold.windowSeconds) * 1_000_000
        width = max(1, windowMicros / Int64(Self.buckets))
        let closeMicros = max(1, threshold.closeWindowSeconds) * 1_000_000
        closeBuckets = max(1, min(Self.buckets, Int((closeMicros + width - 1) / width)))
        horizon = max(threshold.quietSeconds * 1_000_000, Int64(closeBuckets) * width)
    }

    /// The slot of `key`, if held.
    @inline(__always)
    func find(_ key: DetectKey) -> Int32? {
        var b = Self.hash(key) & bucketMask
        while true {
            let s = hashIndex[b]
            if s < 0 { return nil }
            if slots[Int(s)].key == key { return s }
            b = (b + 1) & bucketMask
        }
    }

    @inline(__always)
    static func hash(_ key: DetectKey) -> Int {
        Int(truncatingIfNeeded: NameHash.mix(key.hi ^ (key.lo &* 0x9e37_79b9_7f4a_7c15), UInt64(key.host) << 8 | UInt64(key.family)))
    }

    private mutating func insertIndex(_ key: DetectKey, _ s: Int32) {
        var b = Self.hash(key) & bucketMask
        while hashIndex[b] >= 0 { b = (b + 1) & bucketMask }
        hashIndex[b] = s
    }

    /// Rebuilds the index for the live slots, at least twice their number wide.
    mutating func rebuildIndex(live: [Int32]) {
        var size = 64
        while size < max(live.count, 1) * 2 + 2 { size <<= 1 }
        hashIndex = Array(repeating: -1, count: size)
        lastSlot = -1
        bucketMask = size - 1
        for s in live { insertIndex(slots[Int(s)].key, s) }
    }

    subscript(slot: Int32) -> WindowSlot {
        get { slots[Int(slot)] }
        _modify { yield &slots[Int(slot)] }
    }

    @inline(__always)
    func isHot(_ slot: Int32) -> Bool { slots[Int(slot)].episode >= 0 }

    /// The key's slot, created when new; nil when the table is full of hot keys.
    mutating func slot(_ key: DetectKey, now: Int64) -> Int32? {
        if lastSlot >= 0, lastKey == key { return lastSlot }
        if let s = find(key) {
            lastKey = key
            lastSlot = s
            return s
        }
        if count >= capacity {
            makeRoom(now: now)
            if count >= capacity { return nil }
        }
        let s: Int32
        if let reused = free.popLast() {
            s = reused
            slots[Int(s)] = WindowSlot(key: key)
            let base = Int(s) &<< 4
            for i in base..<base + Self.buckets { counts[i] = 0 }
        } else {
            s = Int32(slots.count)
            slots.append(WindowSlot(key: key))
            counts.append(contentsOf: repeatElement(0, count: Self.buckets))
        }
        count += 1
        if count * 2 > hashIndex.count {
            rebuildIndex(live: liveSlots())
        } else {
            insertIndex(key, s)
        }
        return s
    }

    /// Slots in use (not on the free list).
    func liveSlots() -> [Int32] {
        var isFree = [Bool](repeating: false, count: slots.count)
        for s in free { isFree[Int(s)] = true }
        var out: [Int32] = []
        out.reserveCapacity(count)
        for s in 0..<slots.count where !isFree[s] { out.append(Int32(s)) }
        return out
    }


    /// The ring position of bucket `b`.
    @inline(__always)
    static func ring(_ b: Int64) -> Int { Int(truncatingIfNeeded: b & Int64(buckets - 1)) }

    @inline(__always)
    private func bucket(_ t: Int64) -> Int64 {
        t >= 0 ? t / width : (t - width + 1) / width
    }

    @inline(__always)
    private mutating func advance(_ s: Int, to b: Int64) {
        let head = slots[s].head
        guard b > head else { return }
        let base = s &<< 4
        if head == .min || b - head >= Int64(Self.buckets) {
            for i in base..<base + Self.buckets { counts[i] = 0 }
            slots[s].total = 0
        } else {
            var j = head + 1
            while j <= b {
                let i = base + Self.ring(j)
                slots[s].total -= Int32(truncatingIfNeeded: counts[i])
                counts[i] = 0
                j += 1
            }
        }
        if slots[s].total == 0 { slots[s].firstSinceReset = .max }
        slots[s].head = b
    }

    /// What counting one event did to its key.
    struct Step {
        var slot: Int32
        /// The window's count after the event.
        var count: Int
        /// The episode the key is hot in, or -1.
        var episode: Int32
        /// Hot, and the close window is at or above the close level.
        var above: Bool
    }

    /// Counts `weight` events of `key` at `t` in one call: finds or makes its
    /// slot, cools it first if its quiet horizon passed, adds, and rolls and
    /// fills the baseline's tumbling window. Nil when the table is full of hot
    /// keys. Runs on raw buffers: this is the detectors' inner loop.
    @inline(__always)
    mutating func count(_ key: DetectKey, at t: Int64, weight eventWeight: Int32) -> Step? {
        guard let slot = slot(key, now: t) else { return nil }
        let weight = threshold.countsEvents ? 1 : eventWeight
        let s = Int(slot)
        let b = bucket(t)
        let n = Int64(Self.buckets)
        let horizon = self.horizon, close = threshold.close, closeBuckets = self.closeBuckets
        let baseline = self.baseline, windowSeconds = threshold.windowSeconds
        return slots.withUnsafeMutableBufferPointer { sp in
            counts.withUnsafeMutableBufferPointer { cp in
                let base = s &<< 4
                if sp[s].episode >= 0, t - sp[s].lastAbove >= horizon {
                    // Its own quiet period ran out while its episode goes on: it counts afresh.
                    sp[s].episode = -1
                    for i in base..<base + Self.buckets { cp[i] = 0 }
                    sp[s].total = 0
                    sp[s].firstSinceReset = .max
                }
                if let baseline { Self.tumble(&sp[s], at: t, windowSeconds: windowSeconds, baseline: baseline) }
                let head = sp[s].head
                if b > head {
                    if head == .min || b - head >= n {
                        for i in base..<base + Self.buckets { cp[i] = 0 }
                        sp[s].total = 0
                    } else {
                        var j = head + 1
                        while j <= b {
                            let i = base + Self.ring(j)
                            sp[s].total &-= Int32(truncatingIfNeeded: cp[i])
                            cp[i] = 0
                            j += 1
                        }
                    }
                    // An emptied window forgets when its evidence began.
                    if sp[s].total == 0 { sp[s].firstSinceReset = .max }
                    sp[s].head = b
                }
                if sp[s].head - b < n {
                    cp[base + Self.ring(b)] &+= UInt32(truncatingIfNeeded: weight)
                    sp[s].total &+= weight
                    if t < sp[s].firstSinceReset { sp[s].firstSinceReset = t }
                }
                if t > sp[s].lastSeen { sp[s].lastSeen = t }
                let episode = sp[s].episode
                if baseline != nil {
                    sp[s].tumbleCount &+= weight
                    if episode >= 0 { sp[s].tumbleHot = true }
                }
                let total = Int(sp[s].total)
                var above = false
                if episode >= 0 {
                    var recent = total
                    if closeBuckets != Self.buckets {
                        recent = 0
                        let h = sp[s].head
                        for j in 0..<closeBuckets { recent += Int(cp[base + Self.ring(h - Int64(j))]) }
                    }
                    above = recent >= close
                }
                return Step(slot: slot, count: total, episode: episode, above: above)
            }
        }
    }

    /// Counts `weight` events at `t`; returns the window's count after. An
    /// event older than the window (out of order) is dropped.
    @discardableResult
    mutating func add(_ slot: Int32, at t: Int64, weight: Int32) -> Int {
        let s = Int(slot)
        let b = bucket(t)
        advance(s, to: b)
        let head = slots[s].head
        if head - b < Int64(Self.buckets) {
            counts[s &<< 4 + Self.ring(b)] &+= UInt32(truncatingIfNeeded: weight)
            slots[s].total += weight
            if t < slots[s].firstSinceReset { slots[s].firstSinceReset = t }
        }
        if t > slots[s].lastSeen { slots[s].lastSeen = t }
        return Int(slots[s].total)
    }

    /// The window's count at `now`.
    mutating func total(_ slot: Int32, at now: Int64) -> Int {
        advance(Int(slot), to: bucket(now))
        return Int(slots[Int(slot)].total)
    }

    /// When the events now in the window began: the first non-empty bucket, or
    /// the first event since the window was last empty if that is later.
    func windowStart(_ slot: Int32) -> Int64 {
        let s = Int(slot)
        let head = slots[s].head
        guard head != .min else { return slots[s].firstSinceReset }
        var j = Int64(Self.buckets - 1)
        while j >= 0 {
            let b = head - j
            if counts[s &<< 4 + Self.ring(b)] > 0 {
                return max(b * width, slots[s].firstSinceReset)
            }
            j -= 1
        }
        return slots[s].firstSinceReset
    }

    /// Empties the window: a key that cooled counts afresh.
    mutating func reset(_ slot: Int32) {
        let s = Int(slot)
        for i in s &<< 4..<(s &+ 1) &<< 4 { counts[i] = 0 }
        slots[s].total = 0
        slots[s].firstSinceReset = .max
    }

    // MARK: baseline

    /// The key's baseline at `t`: its busiest earlier window, decayed.
    func baselineLevel(_ slot: Int32, at t: Int64) -> Double {
        guard let baseline else { return 0 }
        let s = slots[Int(slot)]
        return Double(s.peak) * Self.decay(from: s.peakTime, to: t, halfLife: baseline.halfLifeSeconds)
    }

    /// Rolls the tumbling window forward before an event at `t`; a finished
    /// window in which the key was never hot becomes its new peak if busier.
    @inline(__always)
    private static func tumble(_ slot: inout WindowSlot, at t: Int64, windowSeconds: Int64, baseline: BaselineThreshold) {
        let window = max(1, windowSeconds) * 1_000_000
        if slot.tumbleStart == .min {
            slot.tumbleStart = t - t % window
        } else if t >= slot.tumbleStart + window {
            let finished = slot.tumbleStart + window
            // A zero stays zero whatever the decay (a factor in (0, 1]): no exp2 for it.
            var peak = slot.peak == 0 ? 0 : Double(slot.peak) * decay(from: slot.peakTime, to: t, halfLife: baseline.halfLifeSeconds)
            if !slot.tumbleHot, slot.tumbleCount != 0 {
                let last = Double(slot.tumbleCount) * decay(from: finished, to: t, halfLife: baseline.halfLifeSeconds)
                peak = max(peak, last)
            }
            slot.peak = Float(peak)
            slot.peakTime = t
            slot.tumbleStart = t - t % window
            slot.tumbleCount = 0
            slot.tumbleHot = false
        }
    }

    private static func decay(from: Int64, to: Int64, halfLife: Int64) -> Double {
        guard to > from, halfLife > 0 else { return 1 }
        return exp2(-Double(to - from) / (Double(halfLife) * 1e6))
    }

    // MARK: bounds

    /// Drops empty keys, then evicts the quietest cool keys down to half the capacity.
    private mutating func makeRoom(now: Int64) {
        var live = liveSlots()
        var kept: [Int32] = []
        var candidates: [(score: Double, lastSeen: Int64, slot: Int32)] = []
        for s in live {
            if slots[Int(s)].isHot {
                kept.append(s)
                continue
            }
            let total = self.total(s, at: now)
            let level = baselineLevel(s, at: now)
            if total == 0 && level < 1 && slots[Int(s)].tumbleCount == 0 {
                free.append(s)
                expired += 1
            } else {
                candidates.append((Double(total) + level, slots[Int(s)].lastSeen, s))
            }
        }
        if kept.count + candidates.count > capacity * 3 / 4 {
            candidates.sort { $0.score != $1.score ? $0.score < $1.score : $0.lastSeen < $1.lastSeen }
            var evict = kept.count + candidates.count - capacity / 2
            var rest: [Int32] = []
            for c in candidates {
                if evict > 0 {
                    free.append(c.slot)
                    evicted += 1
                    evict -= 1
                } else {
                    rest.append(c.slot)
                }
            }
            live = kept + rest
        } else {
            live = kept + candidates.map(\.slot)
        }
        count = live.count
        rebuildIndex(live: live)
    }
}
