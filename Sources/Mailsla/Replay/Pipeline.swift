import MailslaCore
import MailslaRules

/// The stages every record batch goes through, whatever its source. Replay
/// and tail feed the same pipeline: count, classify, then the stages that
/// consume events (detect; correlate and the mail-flow monitor) and the sinks.
///
/// `process` runs every stage on the caller's thread. After
/// `runFlowConcurrently()` the stages after classification run on two more
/// threads instead, the flow half (correlator, mail-flow monitor, message
/// sink) on one and the detectors on the other, each fed the same batches
/// through a bounded queue; the results are then read after `finish()`.
/// On two cores the scheduler shares them out: reading, parsing and
/// classifying cost about as much as the rest, and the correlator and the
/// detectors, each walking its own large tables, ran slower on one thread
/// than on two (their caches crowded each other out).
public final class Pipeline {
    public let symbols: SymbolTable
    public internal(set) var counters = InputCounters()
    public internal(set) var classifier: Classifier?
    /// The attack detectors (`detect`): episodes from the same events the correlator sees.
    public let detectors: Detectors?
    private var events: EventWriter?
    private let flow: FlowStage?
    private var worker: BatchWorker?
    private var detectWorker: BatchWorker?
    /// Classify-only shares classification between this thread and workers (`classifyConcurrently`).
    private var lanes: ClassifyLanes?
    private var eventBatch = EventBatch()
    /// What the last `restore` left out because the rule pack changed (Pipeline+Snapshot.swift).
    public internal(set) var restoreDrops = SnapshotDrops()
    /// Snapshots need every stage on one thread, at a batch boundary.
    var runsOnOneThread: Bool { worker == nil && lanes == nil }

    public init(symbols: SymbolTable, rules: RuleSet? = nil, flow: FlowSettings = FlowSettings(),
                detection: DetectionSettings = DetectionSettings(), classifyOnly: Bool = false,
                events: EventWriter? = nil, messageSink: (([MessageRecord]) throws -> Void)? = nil) {
        self.symbols = symbols
        classifier = rules.map { Classifier(rules: $0, symbols: symbols) }
        // Classify-only (`replay --classify-only`): the rule author's loop, no flow or episodes.
        let consumers = classifyOnly ? nil : rules
        self.flow = consumers.map { FlowStage(rules: $0, symbols: symbols, settings: flow, messageSink: messageSink) }
        detectors = consumers.map { Detectors(rules: $0, symbols: symbols, settings: detection, filterAddresses: flow.filterAddresses) }
        self.events = events
    }

    deinit {
        worker?.close()
        detectWorker?.close()
    }

    public var correlator: FlowCorrelator? { flow?.correlator }
    /// Log-derived `mailflow` tests, one per interval.
    public internal(set) var mailflow: MailflowMonitor? {
        get { flow?.mailflow }
        set { if let newValue { flow?.mailflow = newValue } }
    }

    /// Moves the flow half and the detectors onto threads of their own for the
    /// rest of the run, each at most `queueDepth` batches behind. Call before the
    /// first batch; the message sink then runs on the flow thread. Does nothing
    /// without rules.
    ///
    /// Three busy threads share two cores, and each stage's pace varies from batch to
    /// batch (a sweep of open messages, a run of long amavis lines): with 4 batches of
    /// slack a worker often found its queue empty, or the reader found it full, and a
    /// core idled. 16 batches (~1.6 MB each while queued: records, events, captures)
    /// made a whole replay 4-5 % faster on the clock; 32 and 64 did no better.
    public func runFlowConcurrently(queueDepth: Int = 16) {
        guard let flow, worker == nil else { return }
        worker = BatchWorker(depth: queueDepth, name: "mailsla-flow") { try flow.consume($0, $1) }
        if let detectors {
            detectWorker = BatchWorker(depth: queueDepth, name: "mailsla-detect") { detectors.consume($0, $1) }
        }
    }

    /// Classifies on `count` threads for the rest of the run, the caller's and `count - 1`
    /// workers (`ClassifyLanes`), with the events written in input order (the same output as
    /// one thread). Call after `configureClassifier` and before the first batch. Only for a
    /// classify-only pipeline whose classifier neither times rules nor counts unmatched
    /// shapes (those stay on one thread); otherwise, or with `count` below 2, does nothing.
    public func classifyConcurrently(threads count: Int = 2) {
        guard let classifier, flow == nil, detectors == nil, lanes == nil, count > 1,
              !classifier.timing, classifier.counters.unmatchedShapes == nil else { return }
        lanes = ClassifyLanes(threads: count, rules: classifier.rules, symbols: symbols)
    }

    /// Adjusts the classifier before the first batch: timing for `rules bench`,
    /// unmatched shapes for `rules coverage`. Does nothing without rules.
    public func configureClassifier(_ body: (inout Classifier) -> Void) {
        if classifier != nil { body(&classifier!) }
    }

    /// Runs every stage over one batch (the flow half and the detectors on their threads, when they have them).
    public func process(_ batch: RecordBatch) throws {
        counters.count(batch)
        if let lanes {
            try lanes.submit(batch) { batch, events in try self.events?.write(batch, events: events, classifier: self.classifier) }
            return
        }
        if classifier != nil {
            classifier!.classify(batch, into: &eventBatch)
        } else {
            eventBatch.removeAll()
        }
        try events?.write(batch, events: eventBatch, classifier: classifier)
        if let worker {
            try detectWorker?.submit(batch, eventBatch)
            try worker.submit(batch, eventBatch)
        } else {
            detectors?.consume(batch, eventBatch)
            try flow?.consume(batch, eventBatch)
        }
    }

    /// Hands the message sink the finished messages whose grace period has passed by `time`
    /// (UTC microseconds), for live sources that have been read up to now
    /// (`FlowCorrelator.release(asOf:)`). On the caller's thread: not after `runFlowConcurrently`.
    public func releaseFinishedMessages(asOf time: Int64) throws {
        precondition(worker == nil, "releaseFinishedMessages runs the flow stage on the caller's thread")
        try flow?.release(asOf: time)
    }

    /// Adds what the framer and parser counted for a text source.
    public func addFraming(_ framing: FramingCounters, malformed: MalformedCounts) {
        counters.framing += framing
        counters.malformed += malformed
    }

    public func addJournalEntries(_ count: Int) { counters.journalEntries += count }

    /// Journal entries with no MESSAGE (dropped) and messages cut at the length limit.
    public func addJournalDrops(withoutMessage: Int, cut: Int) {
        counters.journalEntriesWithoutMessage += withoutMessage
        counters.framing.truncatedLines += cut
    }

    public func sourceFailed() { counters.failedSources += 1 }

    /// The input ended: waits for the other threads, closes open messages and episodes.
    public func finish() throws -> Int {
        if let lanes {
            self.lanes = nil
            let counters = try lanes.finish { batch, events in try self.events?.write(batch, events: events, classifier: self.classifier) }
            for lane in counters { classifier!.addCounters(lane) }
        }
        if let worker {
            self.worker = nil
            try worker.finish()
        }
        if let detectWorker {
            self.detectWorker = nil
            try detectWorker.finish()
        }
        try flow?.finish()
        detectors?.finish()
        try events?.flush()
        return events?.invalidUTF8Values ?? 0
    }
}
