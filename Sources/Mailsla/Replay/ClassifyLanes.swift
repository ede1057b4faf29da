import Foundation
import MailslaCore
import MailslaRules

/// Shares the classification of record batches between the reading thread and
/// worker threads for `replay --classify-only`, so the rule author's loop uses
/// every core it is given.
///
/// A batch goes to a worker that has none waiting; when every worker already
/// has one queued, the reading thread classifies the batch itself. The share
/// follows the costs on their own: on two cores the reader parses every batch
/// and classifies about a third of them (the parse costs about a third of the
/// classification), where handing all of them over left it idle while a third
/// thread competed for the two cores (0.44-0.48 s against 0.54-0.59 s wall for
/// 2 M lines, docs/performance.md).
///
/// Batches come back in the order they were submitted, so the events output
/// is the same byte for byte as with one thread. Each thread owns a
/// `Classifier` (PCRE2 match data and the candidate table are per thread);
/// their counters are summed by `finish`. Only where nothing downstream needs
/// the events on one thread in step with the parser: no flow, no detectors, no
/// per-rule timing, no shape counting.
final class ClassifyLanes: @unchecked Sendable {
    typealias Delivery = (RecordBatch, EventBatch) throws -> Void

    /// One worker thread and its queues.
    private final class Worker: @unchecked Sendable {
        let condition = NSCondition()
        // Only the worker's thread touches the classifier until `done`.
        var classifier: Classifier
        // Guarded by `condition`.
        var input: [RecordBatch] = []
        var output: [(RecordBatch, EventBatch)] = []
        var closed = false
        var done = false

        init(classifier: Classifier) { self.classifier = classifier }

        func run() {
            while true {
                condition.lock()
                while input.isEmpty && !closed { condition.wait() }
                if input.isEmpty {
                    done = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let batch = input.removeFirst()
                condition.unlock()
                var events = EventBatch()
                classifier.classify(batch, into: &events)
                condition.lock()
                output.append((batch, events))
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Queues `batch` unless one is already waiting here.
        func offer(_ batch: RecordBatch) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            guard input.isEmpty else { return false }
            input.append(batch)
            condition.broadcast()
            return true
        }
    }

    private let workers: [Worker]
    /// The caller's own classifier, for the batches no worker was free to take.
    private var own: Classifier
    /// Classified by the caller, not yet delivered, oldest first.
    private var ownOutput: [(RecordBatch, EventBatch)] = []
    /// Batches in flight before `submit` delivers the oldest.
    private let inFlightLimit: Int
    /// Who holds each batch in flight, oldest first: a worker's index, or nil for the caller
    /// (caller's thread only).
    private var order: [Int?] = []

    /// `threads` classify, the caller's included: `threads - 1` workers are started.
    init(threads: Int, rules: RuleSet, symbols: SymbolTable, depth: Int = 2) {
        precondition(threads > 1 && depth > 0)
        workers = (1..<threads).map { _ in Worker(classifier: Classifier(rules: rules, symbols: symbols)) }
        own = Classifier(rules: rules, symbols: symbols)
        inFlightLimit = depth * workers.count
        for (index, worker) in workers.enumerated() {
            startThread(named: "mailsla-class-\(index)") { worker.run() }
        }
    }

    deinit {
        for worker in workers {
            worker.condition.lock()
            worker.closed = true
            worker.condition.broadcast()
            worker.condition.unlock()
        }
    }

    /// Hands the batch to a free worker or classifies it here; hands `deliver` the oldest
    /// batches (with their events) once more than the limit are in flight, in submission order.
    func submit(_ batch: RecordBatch, deliver: Delivery) throws {
        if let index = workers.firstIndex(where: { $0.offer(batch) }) {
            order.append(index)
        } else {
            var events = EventBatch()
            own.classify(batch, into: &events)
            ownOutput.append((batch, events))
            order.append(nil)
        }
        while order.count > inFlightLimit { try deliverOldest(deliver) }
    }

    /// Delivers every batch still in flight, stops the workers and returns every thread's counters.
    func finish(deliver: Delivery) throws -> [ClassifierCounters] {
        while !order.isEmpty { try deliverOldest(deliver) }
        return [own.counters] + workers.map { worker in
            worker.condition.lock()
            defer { worker.condition.unlock() }
            worker.closed = true
            worker.condition.broadcast()
            while !worker.done { worker.condition.wait() }
            return worker.classifier.counters
        }
    }

    private func deliverOldest(_ deliver: Delivery) throws {
        guard let index = order.removeFirst() else {
            let (batch, events) = ownOutput.removeFirst()
            try deliver(batch, events)
            return
        }
        let worker = workers[index]
        worker.condition.lock()
        while worker.output.isEmpty { worker.condition.wait() }
        let (batch, events) = worker.output.removeFirst()
        worker.condition.unlock()
        try deliver(batch, events)
    }
}
