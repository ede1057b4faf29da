import MailslaCore

/// The classifier's working memory, kept in raw storage so the loop over
/// lines does no reference counting and no copy-on-write checks: candidate
/// lists by program and first byte, counters it bumps per line (folded into
/// `ClassifierCounters` after every batch), and the batch's events and
/// captures, which go to the `EventBatch` in one copy each at the end of the
/// batch (appending per event cost ~75 instructions per line).
///
/// One per classifier, so one per thread; a copied classifier shares it.
final class CandidateTable {
    /// What the inner loop needs of a rule, all of it trivially copyable: the compiled
    /// pattern's raw handle and the rule's literal tests and capture slots, which the
    /// rule set owns and keeps alive.
    struct Candidate {
        let rule: Int
        let code: OpaquePointer
        let jit: Bool
        let kind: UInt16
        let prefilter: LiteralPrefilter
        let captures: UnsafeBufferPointer<CaptureSlot>
    }

    /// Per program symbol × 257 + first byte (256: empty message): where its list starts
    /// in `pool` and how long it is; -1 until computed.
    private(set) var slots: UnsafeMutablePointer<Int>
    private(set) var slotCount = 0
    private(set) var pool: UnsafeMutablePointer<Candidate>
    private var poolCount = 0
    private var poolCapacity = 256

    /// Per rule: PCRE2 runs, matches and limit hits since the last fold.
    let tries: UnsafeMutablePointer<Int>
    let hits: UnsafeMutablePointer<Int>
    let limitHits: UnsafeMutablePointer<Int>
    let ruleCount: Int
    /// Per program symbol: classified and unmatched lines since the last fold.
    private(set) var classified: UnsafeMutablePointer<Int>
    private(set) var unmatched: UnsafeMutablePointer<Int>
    private(set) var programCapacity = 0
    /// The batch's captures and events so far.
    private(set) var captures: UnsafeMutablePointer<Capture>
    private var captureCapacity: Int
    var captureCount = 0
    private(set) var events: UnsafeMutablePointer<ClassifiedEvent>
    private var eventCapacity = 1024
    var eventCount = 0
    /// The widest rule's capture slots: the room one event may need.
    let maxCaptures: Int

    init(ruleCount: Int, maxCaptures: Int) {
        self.ruleCount = ruleCount
        slots = .allocate(capacity: 0)
        pool = .allocate(capacity: poolCapacity)
        tries = .allocate(capacity: ruleCount)
        hits = .allocate(capacity: ruleCount)
        limitHits = .allocate(capacity: ruleCount)
        for counts in [tries, hits, limitHits] { counts.initialize(repeating: 0, count: ruleCount) }
        classified = .allocate(capacity: 0)
        unmatched = .allocate(capacity: 0)
        self.maxCaptures = maxCaptures
        captureCapacity = max(1, maxCaptures) * 1024
        captures = .allocate(capacity: captureCapacity)
        events = .allocate(capacity: eventCapacity)
    }

    deinit {
        slots.deallocate()
        pool.deallocate()
        for counts in [tries, hits, limitHits, classified, unmatched] { counts.deallocate() }
        captures.deallocate()
        events.deallocate()
    }

    /// Makes room for one more event and its captures.
    @inline(__always)
    func reserveEvent() {
        if eventCount == eventCapacity || captureCount &+ maxCaptures > captureCapacity { grow() }
    }

    private func grow() {
        if eventCount == eventCapacity {
            eventCapacity *= 2
            let grown = UnsafeMutablePointer<ClassifiedEvent>.allocate(capacity: eventCapacity)
            grown.moveInitialize(from: events, count: eventCount)
            events.deallocate()
            events = grown
        }
        if captureCount + maxCaptures > captureCapacity {
            captureCapacity = max(captureCapacity * 2, captureCount + maxCaptures)
            let grown = UnsafeMutablePointer<Capture>.allocate(capacity: captureCapacity)
            grown.moveInitialize(from: captures, count: captureCount)
            captures.deallocate()
            captures = grown
        }
    }

    /// Moves the batch's events and captures to the end of `batch` and starts the next batch empty.
    func flush(into batch: inout EventBatch) {
        batch.events.append(contentsOf: UnsafeBufferPointer(start: events, count: eventCount))
        batch.captures.append(contentsOf: UnsafeBufferPointer(start: captures, count: captureCount))
        eventCount = 0
        captureCount = 0
    }

    /// Each program's rules in order (before the first-byte cut), computed once per program.
    private var programRules: [Symbol: [Int]] = [:]

    func ruleIndices(_ program: Symbol, _ compute: () -> [Int]) -> [Int] {
        if let known = programRules[program] { return known }
        let list = compute()
        programRules[program] = list
        return list
    }

    /// Start and length in `pool` of the list for `index`, or nil when not computed yet.
    @inline(__always)
    func list(_ index: Int) -> (start: Int, count: Int)? {
        guard index < slotCount else { return nil }
        let packed = slots[index]
        return packed < 0 ? nil : (packed >> 32, packed & 0xFFFF_FFFF)
    }

    /// Stores the list for `index` and returns where it went.
    func store(_ candidates: [Candidate], at index: Int) -> (start: Int, count: Int) {
        if index >= slotCount {
            let count = index + 1 + 257 * 4
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: count)
            grown.update(from: slots, count: slotCount)
            (grown + slotCount).initialize(repeating: -1, count: count - slotCount)
            slots.deallocate()
            slots = grown
            slotCount = count
        }
        if poolCount + candidates.count > poolCapacity {
            poolCapacity = max(poolCapacity * 2, poolCount + candidates.count)
            let grown = UnsafeMutablePointer<Candidate>.allocate(capacity: poolCapacity)
            grown.moveInitialize(from: pool, count: poolCount)
            pool.deallocate()
            pool = grown
        }
        (pool + poolCount).initialize(from: candidates, count: candidates.count)
        slots[index] = poolCount << 32 | candidates.count
        defer { poolCount += candidates.count }
        return (poolCount, candidates.count)
    }

    /// Makes room for per-program counts of `symbol`.
    @inline(__always)
    func ensureProgram(_ symbol: Int) {
        if symbol >= programCapacity { growPrograms(symbol) }
    }

    private func growPrograms(_ symbol: Int) {
        let count = max(symbol + 1, programCapacity * 2, 64)
        for counts in [\CandidateTable.classified, \CandidateTable.unmatched] as [ReferenceWritableKeyPath<CandidateTable, UnsafeMutablePointer<Int>>] {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: count)
            grown.update(from: self[keyPath: counts], count: programCapacity)
            (grown + programCapacity).initialize(repeating: 0, count: count - programCapacity)
            self[keyPath: counts].deallocate()
            self[keyPath: counts] = grown
        }
        programCapacity = count
    }

    /// Adds the counts since the last fold to `counters` and starts again from zero.
    func fold(into counters: inout ClassifierCounters) {
        for rule in 0..<ruleCount {
            counters.tries[rule] += tries[rule]
            counters.hits[rule] += hits[rule]
            counters.limitHits[rule] += limitHits[rule]
        }
        for counts in [tries, hits, limitHits] { counts.update(repeating: 0, count: ruleCount) }
        for program in 0..<programCapacity {
            let symbol = Symbol(raw: UInt32(program))
            if classified[program] > 0 { counters.countClassified(symbol, classified[program]) }
            if unmatched[program] > 0 { counters.countUnmatched(symbol, unmatched[program]) }
        }
        classified.update(repeating: 0, count: programCapacity)
        unmatched.update(repeating: 0, count: programCapacity)
    }
}
