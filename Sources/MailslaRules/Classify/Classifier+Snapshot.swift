import MailslaCore

extension Classifier {
    /// The counters per rule *id*, so a snapshot restores into a changed rule pack:
    /// rules that were dropped are skipped (and named), new rules start at 0.
    public func snapshot(into w: inout SnapshotWriter) {
        w.count(rules.rules.count)
        for (i, rule) in rules.rules.enumerated() {
            w.string(rule.id)
            w.int(counters.hits[i]); w.int(counters.tries[i]); w.int(counters.limitHits[i])
            w.uint(counters.nanoseconds[i])
        }
        w.int(counters.classified); w.int(counters.unmatched)
        w.array(counters.unmatchedCounts) { $0.int($1) }
        w.array(counters.classifiedCounts) { $0.int($1) }
    }

    /// Counters read from a snapshot for this classifier's rules, and the ids of rules it no longer has.
    public func readSnapshot(_ r: inout SnapshotReader, symbols: Int) throws -> (ClassifierCounters, dropped: [String]) {
        var counters = ClassifierCounters(ruleCount: rules.rules.count)
        var index: [String: Int] = [:]
        for (i, rule) in rules.rules.enumerated() { index[rule.id] = i }
        var dropped: [String] = []
        let n = try r.count()
        for _ in 0..<n {
            let id = try r.string()
            let hits = try r.nonNegative(), tries = try r.nonNegative(), limits = try r.nonNegative()
            let nanoseconds = try r.uint()
            guard let i = index[id] else {
                dropped.append(id)
                continue
            }
            counters.hits[i] = hits
            counters.tries[i] = tries
            counters.limitHits[i] = limits
            counters.nanoseconds[i] = nanoseconds
        }
        counters.classified = try r.nonNegative()
        counters.unmatched = try r.nonNegative()
        counters.unmatchedCounts = try r.array { try $0.nonNegative() }
        counters.classifiedCounts = try r.array { try $0.nonNegative() }
        guard counters.unmatchedCounts.count <= symbols, counters.classifiedCounts.count <= symbols else {
            throw r.error("per-program counts for more symbols than the snapshot names")
        }
        return (counters, dropped)
    }

    /// Replaces the counters (with ones from `readSnapshot`).
    public mutating func restore(counters: ClassifierCounters) {
        let shapes = self.counters.unmatchedShapes
        self.counters = counters
        self.counters.unmatchedShapes = shapes
    }
}
