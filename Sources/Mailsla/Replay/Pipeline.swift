import MailslaCore
import MailslaRules

/// The stages every record batch goes through, whatever its source. Replay
/// and tail feed the same pipeline: count, classify, then the stages that
/// consume events (correlate, detect) and the sinks.
public final class Pipeline {
    public let symbols: SymbolTable
    public internal(set) var counters = InputCounters()
    public internal(set) var classifier: Classifier?
    public let correlator: FlowCorrelator?
    /// Log-derived `mailflow` tests, one per interval.
    public internal(set) var mailflow: MailflowMonitor?
    /// The attack detectors (`detect`): episodes from the same events the correlator sees.
    public let detectors: Detectors?
    private var events: EventWriter?
    /// Receives finished message records (the `--messages` writer, or a test's collector).
    private var messageSink: (([MessageRecord]) throws -> Void)?
    private var eventBatch = EventBatch()
    /// What the last `restore` left out because the rule pack changed (Pipeline+Snapshot.swift).
    public internal(set) var restoreDrops = SnapshotDrops()

    public init(symbols: SymbolTable, rules: RuleSet? = nil, flow: FlowSettings = FlowSettings(),
                detection: DetectionSettings = DetectionSettings(),
                events: EventWriter? = nil, messageSink: (([MessageRecord]) throws -> Void)? = nil) {
        self.symbols = symbols
        classifier = rules.map { Classifier(rules: $0, symbols: symbols) }
        correlator = rules.map { FlowCorrelator(rules: $0, symbols: symbols, settings: flow) }
        mailflow = rules.map { MailflowMonitor(rules: $0, intervalSeconds: flow.mailflowIntervalSeconds) }
        detectors = rules.map { Detectors(rules: $0, symbols: symbols, settings: detection, filterAddresses: flow.filterAddresses) }
        self.events = events
        self.messageSink = messageSink
    }

    /// Adjusts the classifier before the first batch: timing for `rules bench`,
    /// unmatched shapes for `rules coverage`. Does nothing without rules.
    public func configureClassifier(_ body: (inout Classifier) -> Void) {
        if classifier != nil { body(&classifier!) }
    }

    /// Runs every stage over one batch.
    public func process(_ batch: RecordBatch) throws {
        counters.count(batch)
        if classifier != nil {
            classifier!.classify(batch, into: &eventBatch)
        } else {
            eventBatch.removeAll()
        }
        try events?.write(batch, events: eventBatch, classifier: classifier)
        if let correlator {
            correlator.consume(batch, eventBatch)
            mailflow?.consume(batch, eventBatch, rules: correlator.rules)
            let finished = correlator.drain()
            if !finished.isEmpty {
                mailflow?.account(finished)
                try messageSink?(finished)
            }
        }
        detectors?.consume(batch, eventBatch)
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

    public func finish() throws -> Int {
        if let correlator {
            correlator.finish()
            let finished = correlator.drain()
            if !finished.isEmpty {
                mailflow?.account(finished)
                try messageSink?(finished)
            }
        }
        detectors?.finish()
        try events?.flush()
        return events?.invalidUTF8Values ?? 0
    }
}
