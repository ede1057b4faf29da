import Foundation
import MailslaCore

/// Reads a journal on several threads and gives the records of one `JournalReader`, in its order.
///
/// libsystemd's `sd_journal_next` plus the per-field work of `enumerate_available_data` are
/// ~93 % of a journal replay, and one thread cannot go faster than libsystemd does. Here each
/// lane (`JournalLane`) opens the same location with the same matches and moves over every
/// entry in libsystemd's own order, but decodes only every `lanes`-th, so the expensive part is
/// split while the order stays libsystemd's by construction. The calling thread merges the lanes'
/// runs back into one order and interns the names (in the same order one reader would, so
/// symbols are the same too).
///
/// Every lane also keeps each entry's realtime stamp; the merger compares them and throws
/// `.journalRejected` when the lanes disagree (a journal that changed between the lanes' opens,
/// e.g. rotated or vacuumed) rather than ever mixing up the order. A journal that grew while it
/// was read ends where the lane that ended first ended. For static inputs only (replay): no
/// cursors, no following.
public final class ParallelJournalReader: JournalBatchSource {
    /// Entries per run: a multiple of every lane count from 2 to 4 (12 × 341).
    static let runLength = 4092

    public let location: JournalReader.Location
    public let rejectedFiles: [InputError]
    public private(set) var entriesRead = 0
    public private(set) var entriesWithoutMessage = 0
    public private(set) var messagesCut = 0
    private let lanes: [JournalLane]
    private let names: RecentNames
    /// The runs being merged (one per lane; empty between runs), the next entry of them to
    /// merge, and how many of their entries all lanes agree on.
    private var runs: [LaneChunk] = []
    private var position = 0
    private var agreed = 0
    /// No run will come any more.
    private var finished = false

    /// Opens `lanes` handles on `location` (2–4) and starts their threads. Throws as `JournalReader.init`.
    public init(_ location: JournalReader.Location, matches: [String] = [], symbols: SymbolTable,
                maxMessageBytes: Int = 65536, lanes count: Int = 2) throws {
        precondition(maxMessageBytes > 0, "maxMessageBytes must be positive")
        precondition((2...4).contains(count), "2 to 4 lanes")
        self.location = location
        names = RecentNames(symbols)
        lanes = try (0..<count).map {
            try JournalLane(location, matches: matches, maxMessageBytes: maxMessageBytes,
                            index: $0, of: count, runLength: Self.runLength)
        }
        if case .directory(let path) = location {
            rejectedFiles = JournalReader.unopenableFiles(in: path)
        } else {
            rejectedFiles = []
        }
        lanes.forEach { $0.start() }
    }

    deinit {
        lanes.forEach { $0.stop() }
    }

    /// Appends up to `limit` records, ending each batch where `JournalReader.read(into:limit:)`
    /// would: the pipeline's flow results (queue samples, the order finished messages are written
    /// in) depend on where batches end.
    public func readBatch(into batch: inout RecordBatch, limit: Int) throws -> Int {
        var added = 0
        while added < limit {
            if runs.isEmpty {
                if finished { break }
                runs = lanes.map { $0.take() }
                position = 0
                do {
                    agreed = try Self.agreedEntries(runs, before: entriesRead, location: location)
                } catch {
                    finish()
                    throw error
                }
                // A run that ends the journal is the lanes' last.
                if runs.contains(where: \.atEnd) { finish() }
            }
            added += merge(limit: limit - added, into: &batch)
            if position == agreed {
                for (lane, run) in zip(lanes, runs) { lane.recycle(run) }
                runs = []
            }
        }
        return added
    }

    /// How many entries of the lanes' runs to merge: all of them, or, for a journal that grew while
    /// it was read, as many as the lane that ended first saw. Throws a lane's failure, or
    /// `.journalRejected` when the lanes saw different entries (`before`: entries merged so far).
    static func agreedEntries(_ runs: [LaneChunk], before: Int, location: JournalReader.Location) throws -> Int {
        if let failure = runs.lazy.compactMap(\.failure).first { throw failure }
        let entries = runs.map(\.times.count).min()!
        let reference = runs[0].times
        for run in runs.dropFirst() {
            if let i = (0..<entries).first(where: { run.times[$0] != reference[$0] }) {
                throw InputError(.journalRejected, path: JournalReader.name(location),
                                 reason: "the \(runs.count) journal readers saw different entries at entry \(before + i + 1)"
                                     + " (realtime \(reference[i]) against \(run.times[i])): did the journal change"
                                     + " while it was read? Try --journal-threads 1")
            }
        }
        return entries
    }

    /// Appends the records of the current runs' entries from `position` on, up to `limit` records
    /// (the entries without a message before the last record included); moves `position` past them.
    private func merge(limit: Int, into batch: inout RecordBatch) -> Int {
        var added = 0
        var withoutMessage = 0
        var cut = 0
        var i = position
        let end = agreed
        Self.withViews(runs[...]) { views in
            runs[0].times.withUnsafeBufferPointer { times in
                // Entry i is lane i % lanes' slot i / lanes.
                var lane = i % views.count
                var slotIndex = i / views.count
                while i < end && added < limit {
                    let view = views[lane]
                    let slot = view.slots[slotIndex]
                    let time = times[i]
                    i += 1
                    lane += 1
                    if lane == views.count {
                        lane = 0
                        slotIndex += 1
                    }
                    guard slot.hasMessage else {
                        withoutMessage += 1
                        continue
                    }
                    if slot.cut { cut += 1 }
                    let program = UnsafeBufferPointer(rebasing: view.bytes[Int(slot.messageEnd)..<Int(slot.programEnd)])
                    let host = UnsafeBufferPointer(rebasing: view.bytes[Int(slot.programEnd)..<Int(slot.hostEnd)])
                    // Program before host, as `JournalReader` interns them.
                    let programSymbol = program.isEmpty ? Symbol.none : names.symbol(program)
                    let hostSymbol = host.isEmpty ? Symbol.none : names.symbol(host)
                    let start = Int32(batch.bytes.count)
                    batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: view.bytes[Int(slot.start)..<Int(slot.messageEnd)]))
                    let end = Int32(batch.bytes.count)
                    batch.records.append(LogRecord(time: time, host: hostSymbol, program: programSymbol, pid: slot.pid,
                                                   lineStart: start, messageStart: start, messageEnd: end))
                    added += 1
                }
            }
        }
        entriesRead += i - position
        position = i
        entriesWithoutMessage += withoutMessage
        messagesCut += cut
        return added
    }

    /// A lane's run seen through pointers, so the merge loop costs no reference counting.
    private struct LaneView {
        var slots: UnsafeBufferPointer<LaneChunk.Slot>
        var bytes: UnsafeBufferPointer<UInt8>
    }

    private static func withViews(_ runs: ArraySlice<LaneChunk>, _ views: [LaneView] = [], _ body: ([LaneView]) -> Void) {
        guard let first = runs.first else { return body(views) }
        first.slots.withUnsafeBufferPointer { slots in
            first.bytes.withUnsafeBufferPointer { bytes in
                withViews(runs.dropFirst(), views + [LaneView(slots: slots, bytes: bytes)], body)
            }
        }
    }

    private func finish() {
        finished = true
        lanes.forEach { $0.close() }
    }
}
