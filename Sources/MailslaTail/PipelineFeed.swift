import Mailsla
import MailslaCore
import MailslaProbe
import MailslaRules

/// The pipeline as the sources see it: every batch goes through
/// `Pipeline.process`, and what the checkpoint stores per minute (the flow,
/// rejections) is tallied on the way, and finished messages are shown to the
/// `mailflow` probes waiting for theirs (`MailflowProbeTracker`, Sendable and
/// behind its own lock: the one hand-over from the engine thread to the prober).
/// Owned by the engine thread.
final class PipelineFeed {
    /// Finished messages land here through the pipeline's message sink.
    final class FlowTally {
        var minutes = FlowMinutes()
    }

    private(set) var pipeline: Pipeline
    let tally: FlowTally
    let tracker: MailflowProbeTracker?

    init(plan: TailPlan, tracker: MailflowProbeTracker?) {
        tally = FlowTally()
        self.tracker = tracker
        pipeline = Self.makePipeline(plan, symbols: SymbolTable(), tally: tally, tracker: tracker)
    }

    static func makePipeline(_ plan: TailPlan, symbols: SymbolTable, tally: FlowTally, tracker: MailflowProbeTracker?) -> Pipeline {
        Pipeline(symbols: symbols, rules: plan.rules, flow: plan.configuration.flow, detection: plan.configuration.detection,
                 messageSink: { records in
                     for record in records { tally.minutes.count(record) }
                     tracker?.observe(records)
                 })
    }

    var symbols: SymbolTable { pipeline.symbols }

    /// Runs one batch through the pipeline and adds the rejections it counted to the minute of its last line.
    func process(_ batch: RecordBatch) throws {
        let before = pipeline.correlator?.health
        try pipeline.process(batch)
        if let before, let after = pipeline.correlator?.health, after.rejected != before.rejected,
           let time = batch.records.last(where: { $0.time != LogRecord.noTime })?.time {
            tally.minutes.countRejects(from: before, to: after, at: time, symbols: pipeline.symbols)
        }
    }

    func addFraming(_ framing: FramingCounters, malformed: MalformedCounts) { pipeline.addFraming(framing, malformed: malformed) }
    func addJournalEntries(_ count: Int) { pipeline.addJournalEntries(count) }
    func addJournalDrops(withoutMessage: Int, cut: Int) { pipeline.addJournalDrops(withoutMessage: withoutMessage, cut: cut) }

    /// Takes the minutes tallied since the last call.
    func takeMinutes() -> FlowMinutes {
        defer { tally.minutes = FlowMinutes() }
        return tally.minutes
    }

    /// Gives the minutes back after a failed checkpoint, so the next one stores them.
    func giveBack(_ minutes: FlowMinutes) {
        for (k, v) in minutes.counts { tally.minutes.counts[k, default: FlowMinutes.Counts()] += v }
        for (k, v) in minutes.rejectsByReason { tally.minutes.rejectsByReason[k, default: 0] += v }
    }

    /// Switches to new rules and settings, carrying the whole state over through a snapshot.
    /// Throws (keeping the current pipeline) when the snapshot does not load into the new one.
    /// The symbol table stays: the sources' parsers intern into it, so a name first seen after
    /// the reload must get its id from the same table the new pipeline reads names from.
    func reload(_ plan: TailPlan) throws -> SnapshotDrops {
        let next = Self.makePipeline(plan, symbols: pipeline.symbols, tally: tally, tracker: tracker)
        try next.restore(pipeline.snapshot())
        pipeline = next
        return next.restoreDrops
    }

    /// Loads the state of the last checkpoint into the (fresh) pipeline.
    func restore(_ snapshot: [UInt8]) throws -> SnapshotDrops {
        try pipeline.restore(snapshot)
        return pipeline.restoreDrops
    }

    /// The named totals a checkpoint adds to the store as deltas: lines and
    /// what became of them, hits per rule id, messages received.
    func totals() -> [String: Int] {
        let c = pipeline.counters
        var t: [String: Int] = ["lines": c.lines, "bytes": c.framing.bytes, "parsed": c.parsed, "malformed": c.malformed.total,
                                "truncated": c.framing.truncatedLines, "journal_entries": c.journalEntries]
        if let classifier = pipeline.classifier {
            t["classified"] = classifier.counters.classified
            t["unmatched"] = classifier.counters.unmatched
            for (index, rule) in classifier.rules.rules.enumerated() where classifier.counters.hits[index] > 0 {
                t["rule:" + rule.id] = classifier.counters.hits[index]
            }
        }
        if let health = pipeline.correlator?.health {
            t["flow_received"] = health.received
            t["flow_rejected"] = health.rejected
        }
        return t
    }
}
