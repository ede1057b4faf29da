import MailslaCore
import MailslaRules

/// The pipeline's flow half: the correlator, the mail-flow monitor fed by it,
/// and the sink of finished message records. One object so that it can run
/// on the caller's thread or, whole, on a `BatchWorker`'s.
final class FlowStage {
    let correlator: FlowCorrelator
    /// Unchecked exclusivity: the stage is confined to one thread, and the correlator's pass changes
    /// the monitor once per event (`consume`).
    @exclusivity(unchecked) var mailflow: MailflowMonitor
    private let messageSink: (([MessageRecord]) throws -> Void)?

    init(rules: RuleSet, symbols: SymbolTable, settings: FlowSettings, messageSink: (([MessageRecord]) throws -> Void)?) {
        correlator = FlowCorrelator(rules: rules, symbols: symbols, settings: settings)
        correlator.keepsRecords = messageSink != nil
        mailflow = MailflowMonitor(rules: rules, intervalSeconds: settings.mailflowIntervalSeconds)
        self.messageSink = messageSink
    }

    func consume(_ batch: RecordBatch, _ events: EventBatch) throws {
        let rules = correlator.rules
        correlator.consume(batch, events) { event, records, captures, bytes in
            mailflow.observe(event, records: records, captures: captures, bytes: bytes, rules: rules)
        }
        try emit(correlator.drain())
    }

    /// The input ended: every open message is written.
    func finish() throws {
        correlator.finish()
        try emit(correlator.drain())
    }

    /// Writes out the finished messages due by `time` (`FlowCorrelator.release(asOf:)`).
    func release(asOf time: Int64) throws {
        correlator.release(asOf: time)
        try emit(correlator.drain())
    }

    private func emit(_ finished: [MessageRecord]) throws {
        let lost = correlator.drainLost()
        if !lost.isEmpty { mailflow.accountLost(received: lost) }
        guard !finished.isEmpty else { return }
        try messageSink?(finished)
    }
}
