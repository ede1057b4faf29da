import Foundation
import MailslaCore
import MailslaRules

/// Classifies record batches on worker threads for `replay --classify-only`,
/// so the rule author's loop uses the machine's second core: the caller
/// reads and parses batch n+1 while the lanes classify earlier batches.
///
/// Batches go to the lanes in turn and come back in the order they were
/// submitted, so the events output is the same byte for byte as with one
/// thread. Each lane owns a `Classifier` (PCRE2 match data and the candidate
/// table are per thread); their counters are summed by `finish`.
/// Only where nothing downstream needs the events on one thread in step with
/// the parser: no flow, no detectors, no per-rule timing, no shape counting.
final class ClassifyLanes: @unchecked Sendable {
    typealias Delivery = (RecordBatch, EventBatch) throws -> Void

    /// One worker thread and its queues.
    private final class Lane: @unchecked Sendable {
        let condition = NSCondition()
        // Only the lane's thread touches the classifier until `done`.
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
    }

    private let lanes: [Lane]
    /// Batches in flight per lane before `submit` waits for the oldest.
    private let depth: Int
    /// The lane of every batch in flight, oldest first (caller's thread only).
    private var order: [Int] = []
    private var next = 0

    init(count: Int, rules: RuleSet, symbols: SymbolTable, depth: Int = 2) {
        precondition(count > 0 && depth > 0)
        self.depth = depth
        lanes = (0..<count).map { _ in Lane(classifier: Classifier(rules: rules, symbols: symbols)) }
        for (index, lane) in lanes.enumerated() {
            let thread = Thread { lane.run() }
            thread.name = "mailsla-classify-\(index)"
            thread.start()
        }
    }

    deinit {
        for lane in lanes {
            lane.condition.lock()
            lane.closed = true
            lane.condition.broadcast()
            lane.condition.unlock()
        }
    }

    /// Queues a batch on the next lane; hands `deliver` the oldest batches (with their
    /// events) once more than `depth` per lane are in flight, in submission order.
    func submit(_ batch: RecordBatch, deliver: Delivery) throws {
        let lane = lanes[next]
        lane.condition.lock()
        lane.input.append(batch)
        lane.condition.broadcast()
        lane.condition.unlock()
        order.append(next)
        next = (next + 1) % lanes.count
        while order.count > depth * lanes.count { try deliverOldest(deliver) }
    }

    /// Delivers every batch still in flight, stops the lanes and returns their counters.
    func finish(deliver: Delivery) throws -> [ClassifierCounters] {
        while !order.isEmpty { try deliverOldest(deliver) }
        return lanes.map { lane in
            lane.condition.lock()
            defer { lane.condition.unlock() }
            lane.closed = true
            lane.condition.broadcast()
            while !lane.done { lane.condition.wait() }
            return lane.classifier.counters
        }
    }

    private func deliverOldest(_ deliver: Delivery) throws {
        let lane = lanes[order.removeFirst()]
        lane.condition.lock()
        while lane.output.isEmpty { lane.condition.wait() }
        let (batch, events) = lane.output.removeFirst()
        lane.condition.unlock()
        try deliver(batch, events)
    }
}
