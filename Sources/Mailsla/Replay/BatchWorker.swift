import Foundation
import MailslaCore
import MailslaRules

/// Runs one stage's work on its own thread, fed through a bounded queue of
/// classified batches, so replay uses the machine's second core: the caller
/// reads, parses and classifies batch n+1 while workers correlate and detect
/// batch n. Several workers may be fed the same batches (each reads them only).
///
/// Batches are values (their byte and record arrays are handed over, never
/// shared mutably); the queue's lock orders everything the caller did before
/// `submit` (symbols interned, counters) before the worker's use of the batch.
/// The first error the work throws is kept and rethrown to the caller by the
/// next `submit` or by `finish`, after which the worker takes no more batches.
final class BatchWorker: @unchecked Sendable {
    typealias Work = (RecordBatch, EventBatch) throws -> Void

    private let condition = NSCondition()
    private let depth: Int
    private let work: Work
    // Guarded by `condition`.
    private var queue: [(RecordBatch, EventBatch)] = []
    private var closed = false
    private var done = false
    private var failure: Error?

    init(depth: Int, name: String, work: @escaping Work) {
        precondition(depth > 0)
        self.depth = depth
        self.work = work
        startThread(named: name) { [self] in run() }
    }

    /// Queues a batch; blocks while `depth` batches wait, so memory stays bounded.
    func submit(_ batch: RecordBatch, _ events: EventBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && failure == nil && !done { condition.wait() }
        if let failure { throw failure }
        precondition(!closed, "submit after finish")
        queue.append((batch, events))
        condition.broadcast()
    }

    /// Waits until every queued batch has been worked; rethrows the work's first error.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    /// Lets the thread end after what is queued, without waiting (a pipeline dropped unfinished).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty || failure != nil {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let (batch, events) = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                try work(batch, events)
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}
