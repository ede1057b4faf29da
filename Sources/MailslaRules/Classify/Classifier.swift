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
    private var dispatch: [[Candidate]?] = []

    /// What the inner loop needs of a rule, without reference counting: the compiled
    /// pattern's raw handle (the rule set keeps it alive) and the rule's index.
    struct Candidate {
        let rule: Int
        let code: OpaquePointer
        let jit: Bool
        let kind: UInt16
        /// The message must contain one of these before PCRE2 runs (empty: no prefilter).
        let requires: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>
    }

    public init(rules: RuleSet, symbols: SymbolTable) {
        self.rules = rules
        self.symbols = symbols
        matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        counters = ClassifierCounters(ruleCount: rules.rules.count)
    }

    /// Starts counting the shapes of unmatched messages (for `rules coverage`),
    /// keeping at most `limit` shapes; costs a masking pass per unmatched line.
    public mutating func collectUnmatchedShapes(limit: Int = UnmatchedShapes.defaultLimit) {
        counters.unmatchedShapes = UnmatchedShapes(limit: limit)
    }

    /// The rules a program symbol's lines are tried against, computed once per symbol.
    @inline(__always)
    mutating func candidates(_ program: Symbol) -> [Candidate] {
        let index = Int(program.raw)
        if index < dispatch.count, let known = dispatch[index] { return known }
        if index >= dispatch.count { dispatch += Array(repeating: nil, count: index + 1 - dispatch.count + 16) }
        let list = program == .none ? [] : rules.ruleIndices(forProgram: symbols.name(program)).map {
            Candidate(rule: $0, code: rules.rules[$0].pattern.code, jit: rules.rules[$0].pattern.jit, kind: rules.rules[$0].kind,
                      requires: rules.requiredLiterals[$0])
        }
        dispatch[index] = list
        return list
    }

    /// Whether `literal` occurs in the message: `memchr` for its first byte, then `memcmp`.
    @inline(__always)
    static func find(_ literal: UnsafeBufferPointer<UInt8>, in message: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let n = literal.count
        guard n > 0, n <= length, let first = literal.first, let needle = literal.baseAddress else { return n == 0 }
        var start = 0
        while start + n <= length {
            guard let hit = memchr(message + start, Int32(first), length - n - start + 1) else { return false }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - message
            if memcmp(message + at, needle, n) == 0 { return true }
            start = at + 1
        }
        return false
    }

    /// Classifies every record of `batch`, appending to `events`.
    public mutating func classify(_ batch: RecordBatch, into events: inout EventBatch) {
        events.removeAll()
        batch.bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            for (index, record) in batch.records.enumerated() {
                let message = base + Int(record.messageStart)
                let length = Int(record.messageEnd - record.messageStart)
                if let event = classify(record: Int32(index), program: record.program, message: message, length: length,
                                        offset: record.messageStart, captures: &events.captures) {
                    events.events.append(event)
                }
            }
        }
    }

    @inline(__always)
    mutating func classify(record: Int32, program: Symbol, message: UnsafePointer<UInt8>, length: Int, offset: Int32,
                           captures: inout [Capture]) -> ClassifiedEvent? {
        for candidate in candidates(program) {
            let ruleIndex = candidate.rule
            if !candidate.requires.isEmpty && !candidate.requires.contains(where: { Self.find($0, in: message, length) }) {
                continue
            }
            counters.tries[ruleIndex] += 1
            let result: PatternMatcher.Result
            if timing {
                var t0 = timespec(), t1 = timespec()
                clock_gettime(CLOCK_MONOTONIC, &t0)
                result = matcher.match(code: candidate.code, jit: candidate.jit, message, length)
                clock_gettime(CLOCK_MONOTONIC, &t1)
                counters.nanoseconds[ruleIndex] += UInt64((t1.tv_sec - t0.tv_sec) * 1_000_000_000 + (t1.tv_nsec - t0.tv_nsec))
            } else {
                result = matcher.match(code: candidate.code, jit: candidate.jit, message, length)
            }
            switch result {
            case .noMatch: continue
            case .limit:
                counters.limitHits[ruleIndex] += 1
                continue
            case .match:
                counters.hits[ruleIndex] += 1
                counters.classified += 1
                counters.countClassified(program)
                let first = Int32(captures.count)
                for (group, field) in rules.captureLists[ruleIndex] {
                    if let (s, e) = matcher.range(group) {
                        captures.append(Capture(field: field, start: offset + Int32(s), end: offset + Int32(e)))
                    }
                }
                return ClassifiedEvent(record: record, rule: UInt16(ruleIndex), kind: candidate.kind, firstCapture: first,
                                       captureCount: UInt16(Int32(captures.count) - first))
            }
        }
        counters.countUnmatched(program)
        counters.unmatchedShapes?.add(program: program, message: UnsafeBufferPointer(start: message, count: length))
        return nil
    }
}
