import CRulePrograms
import MailslaCore

/// The classifier's working memory, kept in raw storage so the loop over
/// lines does no reference counting and no copy-on-write checks: candidate
/// lists by program and first byte, counters it bumps per line (folded into
/// `ClassifierCounters` after every batch), and where the batch's events and
/// captures are being written (the `EventBatch`'s own new arrays: no copy,
/// no append per event).
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
        let program: rule_program_match?
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
    /// Per rule: time in PCRE2 since the last fold (`timing` only). Here and not in
    /// `ClassifierCounters`, so the loop over lines mutates no array of the classifier
    /// (that cost a uniqueness check per line).
    let nanoseconds: UnsafeMutablePointer<UInt64>
    let hits: UnsafeMutablePointer<Int>
    let limitHits: UnsafeMutablePointer<Int>
    let ruleCount: Int
    /// Per program symbol: classified and unmatched lines since the last fold.
    private(set) var classified: UnsafeMutablePointer<Int>
    private(set) var unmatched: UnsafeMutablePointer<Int>
    private(set) var programCapacity = 0
    /// Where the current batch's captures and events go, and how many so far; room for an
    /// event per record, each with `maxCaptures` captures, is the caller's (`Classifier`).
    private(set) var captures: UnsafeMutablePointer<Capture>?
    var captureCount = 0
    private(set) var events: UnsafeMutablePointer<ClassifiedEvent>?
    var eventCount = 0
    /// The widest rule's capture slots: the room one event may need.
    let maxCaptures: Int

    /// Per record of the current batch: its event, or `record == -1` when no rule matched
    /// (`sortEvents` then writes them out in record order), and its candidate list.
    private(set) var recordEvents: UnsafeMutablePointer<ClassifiedEvent>
    private(set) var groupLists: UnsafeMutablePointer<(start: Int32, count: Int32)>
    /// The records in the order they are classified: grouped by candidate list.
    private var order: UnsafeMutablePointer<Int32>
    private var recordCapacity = 0
    private var batchRecords = 0
    /// Per pool position (plus one for empty lists): records of the batch with the list starting there.
    private var groupSizes: UnsafeMutablePointer<Int32>
    private var groupCapacity = 0
    private var touchedGroups: [Int32] = []
    private static let noEvent = ClassifiedEvent(record: -1, rule: 0, kind: 0, firstCapture: 0, captureCount: 0)

    init(ruleCount: Int, maxCaptures: Int) {
        self.ruleCount = ruleCount
        slots = .allocate(capacity: 0)
        pool = .allocate(capacity: poolCapacity)
        tries = .allocate(capacity: ruleCount)
        hits = .allocate(capacity: ruleCount)
        limitHits = .allocate(capacity: ruleCount)
        for counts in [tries, hits, limitHits] { counts.initialize(repeating: 0, count: ruleCount) }
        nanoseconds = .allocate(capacity: ruleCount)
        nanoseconds.initialize(repeating: 0, count: ruleCount)
        classified = .allocate(capacity: 0)
        unmatched = .allocate(capacity: 0)
        self.maxCaptures = maxCaptures
        recordEvents = .allocate(capacity: 0)
        groupLists = .allocate(capacity: 0)
        order = .allocate(capacity: 0)
        groupSizes = .allocate(capacity: 0)
    }

    deinit {
        slots.deallocate()
        pool.deallocate()
        for counts in [tries, hits, limitHits, classified, unmatched] { counts.deallocate() }
        nanoseconds.deallocate()
        recordEvents.deallocate()
        groupLists.deallocate()
        order.deallocate()
        groupSizes.deallocate()
    }

    /// Room for a batch of `records`, none with an event yet.
    func reserveGrouping(records: Int) {
        if records > recordCapacity {
            recordCapacity = max(records, recordCapacity * 2)
            recordEvents.deallocate()
            groupLists.deallocate()
            order.deallocate()
            recordEvents = .allocate(capacity: recordCapacity)
            groupLists = .allocate(capacity: recordCapacity)
            order = .allocate(capacity: recordCapacity)
        }
        batchRecords = records
        recordEvents.initialize(repeating: Self.noEvent, count: records)
    }

    /// The batch's record indices grouped by `groupLists` (a counting sort: lists in order of
    /// first appearance, records in input order within each).
    func groupOrder(records n: Int) -> UnsafePointer<Int32> {
        if poolCount + 1 > groupCapacity {
            groupSizes.deallocate()
            groupCapacity = max(poolCount + 1, groupCapacity * 2)
            groupSizes = .allocate(capacity: groupCapacity)
            groupSizes.initialize(repeating: 0, count: groupCapacity)
        }
        let empty = Int32(truncatingIfNeeded: poolCount)
        touchedGroups.removeAll(keepingCapacity: true)
        for index in 0..<n {
            let list = groupLists[index]
            let group = Int(list.count == 0 ? empty : list.start)
            if groupSizes[group] == 0 { touchedGroups.append(Int32(truncatingIfNeeded: group)) }
            groupSizes[group] &+= 1
        }
        // Sizes become each group's next position.
        var position: Int32 = 0
        for group in touchedGroups {
            let size = groupSizes[Int(group)]
            groupSizes[Int(group)] = position
            position &+= size
        }
        for index in 0..<n {
            let list = groupLists[index]
            let group = Int(list.count == 0 ? empty : list.start)
            order[Int(groupSizes[group])] = Int32(truncatingIfNeeded: index)
            groupSizes[group] &+= 1
        }
        for group in touchedGroups { groupSizes[Int(group)] = 0 }
        return UnsafePointer(order)
    }

    /// Writes the batch's events to `events` in record order.
    func sortEvents() {
        let out = events.unsafelyUnwrapped
        var count = 0
        for index in 0..<batchRecords where recordEvents[index].record >= 0 {
            (out + count).initialize(to: recordEvents[index])
            count &+= 1
        }
        eventCount = count
    }

    /// Starts a batch whose events and captures go to `events` and `captures`.
    func begin(events: UnsafeMutablePointer<ClassifiedEvent>?, captures: UnsafeMutablePointer<Capture>?) {
        self.events = events
        self.captures = captures
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
            // Doubling: a stream of new programs (up to the symbol table's cap) must not copy the table per program.
            let count = max(index + 1 + 257 * 4, slotCount * 2)
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
            counters.nanoseconds[rule] += nanoseconds[rule]
        }
        nanoseconds.update(repeating: 0, count: ruleCount)
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
