import MailslaCore

/// What the classifier did, per rule and per program: the basis of
/// `rules coverage`, `rules bench` and the report's classified/unmatched.
public struct ClassifierCounters: Sendable {
    public var hits: [Int]
    /// PCRE2 runs per rule: lines of its programs that passed the first-byte dispatch and the literal prefilter.
    public var tries: [Int]
    /// Matches that hit the PCRE2 match or depth limit (counted, then treated as no match).
    public var limitHits: [Int]
    /// Nanoseconds spent matching each rule, when timing is on.
    public var nanoseconds: [UInt64]
    public var classified = 0
    public internal(set) var unmatched = 0
    /// Per program symbol, as arrays indexed by the symbol: no hashing per line.
    var unmatchedCounts: [Int] = []
    var classifiedCounts: [Int] = []

    public var unmatchedByProgram: [Symbol: Int] { Self.dictionary(unmatchedCounts) }
    public var classifiedByProgram: [Symbol: Int] { Self.dictionary(classifiedCounts) }
    /// Shapes of the unmatched messages, when the classifier collects them (`rules coverage`); nil otherwise.
    public var unmatchedShapes: UnmatchedShapes?

    public init(ruleCount: Int) {
        hits = Array(repeating: 0, count: ruleCount)
        tries = Array(repeating: 0, count: ruleCount)
        limitHits = Array(repeating: 0, count: ruleCount)
        nanoseconds = Array(repeating: 0, count: ruleCount)
    }

    /// Adds `count` lines of `program` that a rule matched (to the total and to the program's count).
    mutating func countClassified(_ program: Symbol, _ count: Int) {
        classified += count
        Self.bump(&classifiedCounts, program, count)
    }

    /// Adds `count` lines of `program` that no rule matched.
    mutating func countUnmatched(_ program: Symbol, _ count: Int) {
        unmatched += count
        Self.bump(&unmatchedCounts, program, count)
    }

    private static func bump(_ counts: inout [Int], _ symbol: Symbol, _ count: Int) {
        let i = Int(symbol.raw)
        if i >= counts.count { counts += Array(repeating: 0, count: i + 1 - counts.count) }
        counts[i] &+= count
    }

    private static func dictionary(_ counts: [Int]) -> [Symbol: Int] {
        var out: [Symbol: Int] = [:]
        for (raw, count) in counts.enumerated() where count > 0 { out[Symbol(raw: UInt32(raw))] = count }
        return out
    }
}

extension ClassifierCounters {
    /// Adds what another classifier over the same rule set counted (one per thread:
    /// `replay --classify-only` on several threads). Unmatched shapes are not summed:
    /// a classifier that collects them runs alone.
    mutating func add(_ other: ClassifierCounters) {
        precondition(other.hits.count == hits.count && other.unmatchedShapes == nil, "counters of another rule set")
        for rule in hits.indices {
            hits[rule] += other.hits[rule]
            tries[rule] += other.tries[rule]
            limitHits[rule] += other.limitHits[rule]
            nanoseconds[rule] += other.nanoseconds[rule]
        }
        for (raw, count) in other.classifiedCounts.enumerated() where count > 0 { countClassified(Symbol(raw: UInt32(raw)), count) }
        for (raw, count) in other.unmatchedCounts.enumerated() where count > 0 { countUnmatched(Symbol(raw: UInt32(raw)), count) }
    }
}
