extension InputCounters {
    public func snapshot(into w: inout SnapshotWriter) {
        w.int(framing.lines); w.int(framing.truncatedLines); w.int(framing.crlfLines); w.int(framing.nulLines)
        w.int(framing.bytes)
        w.count(MalformedReason.allCases.count)
        for reason in MalformedReason.allCases {
            w.string(reason.description)
            w.int(malformed[reason])
        }
        w.int(parsed)
        w.array(programCounts) { $0.int($1) }
        w.array(hostCounts) { $0.int($1) }
        w.int(Int64(firstTime)); w.int(Int64(lastTime))
        w.int(journalEntries); w.int(journalEntriesWithoutMessage); w.int(failedSources)
    }

    /// Counters as a snapshot holds them; `symbols` is how many symbol ids the snapshot knows.
    public init(snapshot r: inout SnapshotReader, symbols: Int) throws {
        self.init()
        framing.lines = try r.nonNegative(); framing.truncatedLines = try r.nonNegative()
        framing.crlfLines = try r.nonNegative(); framing.nulLines = try r.nonNegative(); framing.bytes = try r.nonNegative()
        let reasons = try r.count()
        for _ in 0..<reasons {
            let name = try r.string()
            let count = try r.nonNegative()
            // A reason this version does not know is dropped: the counter is informational.
            if let reason = MalformedReason.allCases.first(where: { $0.description == name }) { malformed.add(reason, count) }
        }
        parsed = try r.nonNegative()
        programCounts = try r.array { try $0.nonNegative() }
        hostCounts = try r.array { try $0.nonNegative() }
        guard programCounts.count <= symbols, hostCounts.count <= symbols else {
            throw r.error("per-symbol counts for more symbols than the snapshot names")
        }
        firstTime = try r.int64(); lastTime = try r.int64()
        journalEntries = try r.nonNegative(); journalEntriesWithoutMessage = try r.nonNegative()
        failedSources = try r.nonNegative()
    }
}
