import CLineScan
import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns records into events with the rule set: dispatch by program first,
/// then that program's rules in order, first match wins.
///
/// One classifier per thread (it owns PCRE2 match data). Matching runs on
/// the raw message bytes; captures are byte ranges.
public struct Classifier {
    public let rules: RuleSet
    public let symbols: SymbolTable
    public let matcher: PatternMatcher
    public internal(set) var counters: ClassifierCounters
    /// Measure time per rule (for `rules bench`); off on the hot path.
    public var timing = false
    /// Candidate lists, per-line counters and capture scratch in raw memory.
    let table: CandidateTable

    public init(rules: RuleSet, symbols: SymbolTable) {
        self.rules = rules
        self.symbols = symbols
        matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        counters = ClassifierCounters(ruleCount: rules.rules.count)
        table = CandidateTable(ruleCount: rules.rules.count, maxCaptures: rules.captureSlots.map(\.count).max() ?? 0)
    }

    /// Adds what another classifier over the same rule set counted (one classifier per
    /// thread: `replay --classify-only` on several threads).
    public mutating func addCounters(_ other: ClassifierCounters) { counters.add(other) }

    /// Starts counting the shapes of unmatched messages (for `rules coverage`),
    /// keeping at most `limit` shapes; costs a masking pass per unmatched line.
    public mutating func collectUnmatchedShapes(limit: Int = UnmatchedShapes.defaultLimit) {
        counters.unmatchedShapes = UnmatchedShapes(limit: limit)
    }

    /// The rules a line of `program` starting with `lead` (nil: an empty message) is tried
    /// against: the program's rules whose pattern can start with that byte, in order, as a
    /// range of `table.pool`. Computed once per program and first byte, so the loop below
    /// never visits a rule the first byte already rules out.
    @inline(__always)
    func candidates(_ program: Symbol, lead: UInt8?) -> (start: Int, count: Int) {
        let index = Int(program.raw) &* 257 &+ (lead.map(Int.init) ?? 256)
        if let known = table.list(index) { return known }
        return computeCandidates(program, lead: lead, index: index)
    }

    private func computeCandidates(_ program: Symbol, lead: UInt8?, index: Int) -> (start: Int, count: Int) {
        let all = program == .none ? [] : table.ruleIndices(program) { rules.ruleIndices(forProgram: symbols.name(program)) }
        let list = all.filter { lead == nil || rules.firstBytes[$0].contains(lead!) }.map {
            CandidateTable.Candidate(rule: $0, code: rules.rules[$0].pattern.code, jit: rules.rules[$0].pattern.jit,
                                     program: rules.rules[$0].pattern.program,
                                     kind: rules.rules[$0].kind,
                                     prefilter: rules.rules[$0].pattern.program == nil ? rules.prefilters[$0] : rules.requiredPrefilters[$0],
                                     captures: rules.captureSlots[$0])
        }
        return table.store(list, at: index)
    }

    /// Whether `literal` occurs in the message.
    static func find(_ literal: UnsafeBufferPointer<UInt8>, in message: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard let bytes = literal.baseAddress, !literal.isEmpty else { return literal.isEmpty }
        return LiteralProbe(bytes: bytes, count: literal.count, offset: -1, anchor: 0).occurs(in: message, length)
    }

    /// Classifies every record of `batch` into `events` (replacing what it held).
    ///
    /// The events and captures are written in place into new arrays sized for the worst
    /// case (an event per record, each with the widest rule's captures): no copy and no
    /// `Array.append` per event, which cost ~75 instructions per matched line; the unused
    /// room is ~0.7 MB per batch of ~7,000 lines.
    public mutating func classify(_ batch: RecordBatch, into events: inout EventBatch) {
        let records = batch.records.count
        var classified: [ClassifiedEvent] = []
        let captures = [Capture](unsafeUninitializedCapacity: records * max(1, table.maxCaptures)) { captureBuffer, captureCount in
            classified = [ClassifiedEvent](unsafeUninitializedCapacity: records) { eventBuffer, eventCount in
                table.begin(events: eventBuffer.baseAddress, captures: captureBuffer.baseAddress)
                classifyRecords(of: batch)
                eventCount = table.eventCount
            }
            captureCount = table.captureCount
        }
        events.events = classified
        events.captures = captures
        table.begin(events: nil, captures: nil)
        table.fold(into: &counters)
    }

    private mutating func classifyRecords(of batch: RecordBatch) {
        batch.bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            batch.records.withUnsafeBufferPointer { records in
                table.reserveGrouping(records: records.count)
                // Shapes are kept first come, first served up to a limit: their order must be the input's.
                if counters.unmatchedShapes != nil {
                    for index in records.indices {
                        let record = records[index]
                        let length = Int(record.messageEnd - record.messageStart)
                        let message = base + Int(record.messageStart)
                        let (start, count) = candidates(record.program, lead: length > 0 ? message[0] : nil)
                        classify(record: Int32(index), program: record.program, message: message, length: length,
                                 offset: record.messageStart, start: start, count: count)
                    }
                    table.sortEvents()
                } else {
                    classifyGrouped(records, base)
                }
            }
        }
    }

    /// Classifies the records grouped by candidate list (program and first byte), each group
    /// in input order, then puts the events back in record order. Consecutive lines of a
    /// log alternate between a dozen daemons and their patterns; taking all lines of one
    /// list together keeps that list's JIT code and literal tests hot in the caches and
    /// branch predictors. First match wins within a line's own list, so the events are
    /// those of line-by-line order; only where each event's captures sit in the batch's
    /// capture array differs (an event names its own range).
    private mutating func classifyGrouped(_ records: UnsafeBufferPointer<LogRecord>, _ base: UnsafePointer<UInt8>) {
        let table = self.table
        let n = records.count
        let lists = table.groupLists
        for index in 0..<n {
            let record = records[index]
            let length = Int(record.messageEnd - record.messageStart)
            let (start, count) = candidates(record.program, lead: length > 0 ? base[Int(record.messageStart)] : nil)
            lists[index] = (Int32(truncatingIfNeeded: start), Int32(truncatingIfNeeded: count))
        }
        let order = table.groupOrder(records: n)
        for position in 0..<n {
            // Grouped order jumps around the batch: ask for a later record, and a nearer one's message, early.
            if position &+ 16 < n { line_scan_prefetch(records.baseAddress! + Int(order[position &+ 16])) }
            if position &+ 8 < n { line_scan_prefetch(base + Int(records[Int(order[position &+ 8])].messageStart)) }
            let index = Int(order[position])
            let record = records[index]
            let (start, count) = lists[index]
            classify(record: Int32(index), program: record.program, message: base + Int(record.messageStart),
                     length: Int(record.messageEnd - record.messageStart), offset: record.messageStart,
                     start: Int(start), count: Int(count))
        }
        table.sortEvents()
    }

    /// Classifies one record; a match goes to the table's events and captures.
    @inline(__always)
    mutating func classify(record: Int32, program: Symbol, message: UnsafePointer<UInt8>, length: Int, offset: Int32,
                           start: Int, count: Int) {
        let table = self.table
        var next = table.pool + start
        let end = next + count
        while next < end {
            let candidate = next
            next += 1
            let ruleIndex = candidate.pointee.rule
            let prefilter = candidate.pointee.prefilter
            if !prefilter.groups.isEmpty && !prefilter.passes(message, length) { continue }
            table.tries[ruleIndex] &+= 1
            let result = timing ? timedMatch(candidate.pointee, message, length)
                                : matcher.match(code: candidate.pointee.code, jit: candidate.pointee.jit,
                                                program: candidate.pointee.program, message, length)
            switch result {
            case .noMatch: continue
            case .limit:
                table.limitHits[ruleIndex] &+= 1
                continue
            case .match:
                table.hits[ruleIndex] &+= 1
                let symbol = Int(program.raw)
                table.ensureProgram(symbol)
                table.classified[symbol] &+= 1
                // Offsets fit: a message is part of a batch whose offsets are Int32.
                let first = table.captureCount
                var n = first
                let ovector = matcher.ovector
                let out = table.captures.unsafelyUnwrapped
                for slot in candidate.pointee.captures {
                    let s = ovector[2 &* slot.group]
                    if s == PatternMatcher.unset { continue }
                    (out + n).initialize(to: Capture(field: slot.field, start: offset &+ Int32(truncatingIfNeeded: s),
                                                     end: offset &+ Int32(truncatingIfNeeded: ovector[2 &* slot.group &+ 1])))
                    n &+= 1
                }
                table.captureCount = n
                table.recordEvents[Int(record)] = ClassifiedEvent(
                    record: record, rule: UInt16(ruleIndex), kind: candidate.pointee.kind,
                    firstCapture: Int32(first), captureCount: UInt16(truncatingIfNeeded: n &- first))
                return
            }
        }
        let symbol = Int(program.raw)
        table.ensureProgram(symbol)
        table.unmatched[symbol] &+= 1
        counters.unmatchedShapes?.add(program: program, message: UnsafeBufferPointer(start: message, count: length))
    }

    /// A match with the clock read around it, for `rules bench`.
    private func timedMatch(_ candidate: CandidateTable.Candidate, _ message: UnsafePointer<UInt8>,
                                     _ length: Int) -> PatternMatcher.Result {
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let result = matcher.match(code: candidate.code, jit: candidate.jit, program: candidate.program, message, length)
        clock_gettime(CLOCK_MONOTONIC, &t1)
        table.nanoseconds[candidate.rule] &+= UInt64((t1.tv_sec - t0.tv_sec) * 1_000_000_000 + (t1.tv_nsec - t0.tv_nsec))
        return result
    }
}
