import CSystemd
import Foundation
import MailslaCore

/// One lane of a `ParallelJournalReader`: a journal handle of its own on a thread of its own,
/// moving over every entry and decoding every `count`-th, into runs handed over through a
/// bounded queue.
///
/// The handle is opened by the caller (so a bad location or match throws there), used only by
/// the lane's thread while it runs, and closed by the caller after `stop()` has waited for the
/// thread to end: libsystemd is not thread-safe, so opening and closing (which touch more than
/// the handle) stay on the owner's thread. The queue's lock orders the lane's writes to a run
/// before the merger's reads.
final class JournalLane: @unchecked Sendable {
    private let journal: OpaquePointer
    private let location: JournalReader.Location
    private let index: Int
    private let count: Int
    private let runLength: Int
    private let maxMessageBytes: Int
    private let depth: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var filled: [LaneChunk] = []
    private var spare: [LaneChunk] = []
    private var closed = false
    private var running = false
    private var journalOpen = true

    /// Lane `index` of `count`; `runLength` must be a multiple of `count`.
    init(_ location: JournalReader.Location, matches: [String], maxMessageBytes: Int,
         index: Int, of count: Int, runLength: Int, depth: Int = 4) throws {
        precondition(runLength % count == 0 && index < count)
        journal = try JournalReader.open(location, matches: matches, maxMessageBytes: maxMessageBytes)
        self.location = location
        self.index = index
        self.count = count
        self.runLength = runLength
        self.maxMessageBytes = maxMessageBytes
        self.depth = depth
    }

    deinit {
        if journalOpen { sd_journal_close(journal) }
    }

    /// Starts the lane's thread; it reads until the journal ends, fails, or `close()`.
    func start() {
        running = true
        let thread = Thread { [self] in
            run()
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "journal lane \(index)"
        thread.start()
    }

    /// The next run, waiting for it; the lane always ends with a run that is `atEnd` or has a `failure`.
    func take() -> LaneChunk {
        condition.lock()
        defer { condition.unlock() }
        while filled.isEmpty { condition.wait() }
        let chunk = filled.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Gives a run's storage back for reuse.
    func recycle(_ chunk: LaneChunk) {
        condition.lock()
        spare.append(chunk)
        condition.unlock()
    }

    /// Lets the thread end at its next run, without waiting for it.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the thread, waits for it, and closes the journal on the calling thread.
    func stop() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
        if journalOpen {
            journalOpen = false
            sd_journal_close(journal)
        }
    }

    private func run() {
        while true {
            condition.lock()
            while filled.count >= depth && !closed { condition.wait() }
            if closed {
                condition.unlock()
                return
            }
            var chunk = spare.popLast() ?? LaneChunk()
            condition.unlock()
            fill(&chunk)
            let last = chunk.atEnd || chunk.failure != nil
            condition.lock()
            filled.append(chunk)
            condition.broadcast()
            condition.unlock()
            if last { return }
        }
    }

    /// Reads the next run: moves over up to `runLength` entries, stamps each, decodes its own.
    private func fill(_ chunk: inout LaneChunk) {
        chunk.reset()
        let j = journal
        // Entries to pass before the next one this lane decodes.
        var skip = index
        for _ in 0..<runLength {
            let r = sd_journal_next(j)
            if r == 0 {
                chunk.atEnd = true
                return
            }
            guard r > 0 else {
                chunk.failure = JournalReader.error(location, r, "cannot read the next entry")
                return
            }
            chunk.times.append(EntryFields.realtime(j))
            if skip == 0 {
                chunk.append(EntryFields(j), maxMessageBytes: maxMessageBytes)
                skip = count - 1
            } else {
                skip -= 1
            }
        }
    }
}
