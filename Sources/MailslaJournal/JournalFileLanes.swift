import Foundation
import MailslaCore

/// Reads a rotated journal directory on several threads, one file per lane at a time, and
/// gives the records of one `JournalReader` over the whole directory, in the same batches.
///
/// One libsystemd reader tops out near 0.9 M entries/s here, nearly all of it libsystemd's own
/// work per entry. When the directory's files can be read one after the other
/// (`JournalFileOrder`: one sequence-number ID, disjoint ranges), lane `k` of `n` reads files
/// `k`, `k + n`, … each with a reader of its own (same matches, same field handling), so every
/// entry is decoded once and the CPU stays that of one reader while the clock shares it out.
/// That holds only because each lane past the first calls its own private copy of libsystemd
/// (`JournalLibrary`): through one shared copy, two lanes took twice the CPU of one reader.
/// The caller takes the files' batches in file order and gets them re-cut to `limit` records,
/// exactly where one reader ends its batches, so the two can be compared batch for batch.
///
/// Names: `SymbolTable` interns on one thread only, so each lane interns into a table of its
/// own and the calling thread maps a lane's symbols into the shared table the first time it
/// meets them, in record order (program, then host): the shared table gets the same names in
/// the same order, so the same symbols, as with one reader.
///
/// A lane buffers up to `bufferedChunks` chunks of `chunkLimit` records ahead of the caller,
/// enough for a whole file of the bench corpus (~200 k entries) so the lane reading the next
/// file does not wait for the caller to finish this one. Memory: about 170 bytes per buffered
/// entry (record plus message).
public final class JournalFileLanes: JournalBatchSource {
    public let files: [String]
    public let rejectedFiles: [InputError] = []
    public private(set) var entriesRead = 0
    public private(set) var entriesWithoutMessage = 0
    public private(set) var messagesCut = 0

    /// The copy of libsystemd each lane reads through: the linked one for lane 0, a private
    /// copy for the others, or the linked one where a private copy cannot be loaded.
    public let laneLibraries: [JournalLibrary]

    private let symbols: SymbolTable
    private let handOff: LaneHandOff
    /// Per lane: its symbol's raw value → the shared table's, 0 where not mapped yet.
    private var remaps: [UnsafeMutablePointer<UInt32>]
    /// The chunk being taken apart and how many of its records are handed on.
    private var chunk: LaneChunk?
    private var taken = 0
    /// The file whose chunks come next.
    private var file = 0

    /// A reader over `directory`: lanes when there are `lanes` ≥ 2 of them and the files can be
    /// read one after the other, else one `JournalReader` (which names files libsystemd rejects).
    public static func open(directory: String, matches: [String] = [], symbols: SymbolTable,
                            maxMessageBytes: Int = 65536, lanes: Int = 2) throws -> any JournalBatchSource {
        if lanes >= 2, let files = JournalFileOrder.sequential(directory: directory) {
            // A bad match fails here, naming the directory, as it does for one reader.
            do {
                _ = try JournalReader(.files([files[0]]), matches: matches, symbols: SymbolTable(),
                                      maxMessageBytes: maxMessageBytes)
            } catch let error as InputError {
                throw InputError(error.code, path: directory, reason: error.reason)
            }
            return JournalFileLanes(files: files, matches: matches, symbols: symbols,
                                    maxMessageBytes: maxMessageBytes, lanes: min(lanes, files.count))
        }
        return try JournalReader(.directory(directory), matches: matches, symbols: symbols, maxMessageBytes: maxMessageBytes)
    }

    /// Starts `lanes` threads over `files`, which must be in libsystemd's merged order and
    /// readable one after the other (`JournalFileOrder.sequential`).
    init(files: [String], matches: [String], symbols: SymbolTable, maxMessageBytes: Int, lanes: Int,
         chunkLimit: Int = 4096, bufferedChunks: Int = 64) {
        precondition(lanes >= 1 && !files.isEmpty)
        self.files = files
        self.symbols = symbols
        // A lane sees part of the names; four times the shared limit keeps it from overflowing
        // before the shared table does (see `map`).
        let tables = (0..<lanes).map { _ in SymbolTable(limit: symbols.limit * 4) }
        remaps = tables.map { table in
            let remap = UnsafeMutablePointer<UInt32>.allocate(capacity: table.limit)
            remap.initialize(repeating: 0, count: table.limit)
            return remap
        }
        laneLibraries = (0..<lanes).map { lane in
            lane == 0 ? .linked : (try? JournalLibrary.privateCopy(lane - 1).get()) ?? .linked
        }
        handOff = LaneHandOff(files: files, matches: matches, tables: tables, libraries: laneLibraries,
                              maxMessageBytes: maxMessageBytes, chunkLimit: chunkLimit, bufferedChunks: bufferedChunks)
        handOff.start()
    }

    deinit {
        handOff.stop()
        if let chunk { handOff.recycle(chunk) }
        for remap in remaps { remap.deallocate() }
    }

    /// Appends up to `limit` records to `batch`, in libsystemd's merged order; returns how many
    /// (0 only at the end). Throws the first lane failure (`.journalRejected` naming the file).
    public func read(into batch: inout RecordBatch, limit: Int) throws -> Int {
        var count = 0
        while count < limit {
            if chunk == nil || taken == chunk!.batch.records.count {
                guard try nextChunk() else { break }
                continue
            }
            let n = min(limit - count, chunk!.batch.records.count - taken)
            append(chunk!, records: taken..<(taken + n), to: &batch)
            taken += n
            count += n
        }
        return count
    }

    /// Moves to the next chunk with records, in file order, adding up each file's counters at
    /// its end; false after the last file.
    private func nextChunk() throws -> Bool {
        if let chunk {
            self.chunk = nil
            handOff.recycle(chunk)
        }
        while file < files.count {
            let next = handOff.take(file: file)
            if let end = next.end {
                handOff.recycle(next)
                if let failure = end.failure { throw failure }
                entriesRead += end.entries
                entriesWithoutMessage += end.withoutMessage
                messagesCut += end.cut
                file += 1
                continue
            }
            chunk = next
            taken = 0
            return true
        }
        return false
    }

    /// Copies `range` of the chunk's records and their message bytes (which lie back to back)
    /// into `batch`, with offsets moved and names mapped into the shared table.
    @inline(__always)
    private func append(_ chunk: LaneChunk, records range: Range<Int>, to batch: inout RecordBatch) {
        let source = chunk.batch
        let first = source.records[range.lowerBound]
        let last = source.records[range.upperBound - 1]
        let shift = Int32(batch.bytes.count) - first.lineStart
        source.bytes.withUnsafeBufferPointer { bytes in
            batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(first.lineStart)..<Int(last.messageEnd)]))
        }
        let remap = remaps[chunk.lane]
        let table = handOff.tables[chunk.lane]
        batch.records.reserveCapacity(batch.records.count + range.count)
        for index in range {
            var record = source.records[index]
            record.program = map(record.program, remap, table)
            record.host = map(record.host, remap, table)
            record.lineStart &+= shift
            record.messageStart &+= shift
            record.messageEnd &+= shift
            batch.records.append(record)
        }
    }

    /// The shared table's symbol for a lane's: interned on first sight, as one reader would.
    /// An overflowed name is not remembered, so the shared table counts every one, as with one
    /// reader. Not exact in one corner: a lane whose own table (four times the shared limit)
    /// overflows hands on `.overflow` even for a name the shared table holds.
    @inline(__always)
    private func map(_ symbol: Symbol, _ remap: UnsafeMutablePointer<UInt32>, _ table: SymbolTable) -> Symbol {
        let raw = Int(symbol.raw)
        if raw < 2 { return symbol }
        let known = remap[raw]
        if known != 0 { return Symbol(raw: known) }
        let shared = symbols.intern(table.bytes(of: symbol))
        if shared != .overflow { remap[raw] = shared.raw }
        return shared
    }
}
