import MailslaCore

/// What the classifier did, per rule and per program: the basis of
/// `rules coverage`, `rules bench` and the report's classified/unmatched.
public struct ClassifierCounters: Sendable {
    public var hits: [Int]
    public var tries: [Int]
    /// Matches that hit the PCRE2 match or depth limit (counted, then treated as no match).
    public var limitHits: [Int]
    /// Nanoseconds spent matching each rule, when timing is on.
    public var nanoseconds: [UInt64]
    public var classified = 0
    public var unmatchedByProgram: [Symbol: Int] = [:]
    public var classifiedByProgram: [Symbol: Int] = [:]
    /// Shapes of the unmatched messages, when the classifier collects them (`rules coverage`); nil otherwise.
    public var unmatchedShapes: UnmatchedShapes?

    public init(ruleCount: Int) {
        hits = Array(repeating: 0, count: ruleCount)
        tries = Array(repeating: 0, count: ruleCount)
        limitHits = Array(repeating: 0, count: ruleCount)
        nanoseconds = Array(repeating: 0, count: ruleCount)
    }

    public var unmatched: Int { unmatchedByProgram.values.reduce(0, +) }
}
