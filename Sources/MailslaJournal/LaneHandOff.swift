import Foundation
import MailslaCore

/// Records a lane read from one journal file, or that file's end.
final class LaneChunk {
    let lane: Int
    var file = 0
    var batch = RecordBatch()
    /// Set on the last chunk of a file (which holds no records).
    var end: FileEnd?

    struct FileEnd {
        var entries = 0
        var withoutMessage = 0
        var cut = 0
        var failure: InputError?
    }

    init(lane: Int) { self.lane = lane }
}

/// The threads of `JournalFileLanes` and the queue between them and the caller.
///
/// Lane `k` of `n` reads files `k`, `k + n`, … each through a `JournalReader` of its own, on
/// its own copy of libsystemd (`libraries[k]`), opened, used and closed on the lane's thread
/// (libsystemd handles may move between threads, never be used by two at once), into chunks
/// queued per file. The caller takes chunks file by
/// file; the lock orders a lane's writes to a chunk (and to its symbol table) before the
/// caller's reads. A lane waits once it has `bufferedChunks` chunks queued, and ends early
/// when stopped.
final class LaneHandOff: @unchecked Sendable {
    let tables: [SymbolTable]
    private let libraries: [JournalLibrary]
    private let files: [String]
    private let matches: [String]
    private let maxMessageBytes: Int
    private let chunkLimit: Int
    private let bufferedChunks: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queued: [[LaneChunk]]
    private var backlog: [Int]
    private var spare: [[LaneChunk]]
    private var running = 0
    private var stopped = false

    init(files: [String], matches: [String], tables: [SymbolTable], libraries: [JournalLibrary], maxMessageBytes: Int,
         chunkLimit: Int, bufferedChunks: Int) {
        precondition(libraries.count == tables.count)
        self.files = files
        self.libraries = libraries
        self.matches = matches
        self.tables = tables
        self.maxMessageBytes = maxMessageBytes
        self.chunkLimit = chunkLimit
        self.bufferedChunks = bufferedChunks
        queued = Array(repeating: [], count: files.count)
        backlog = Array(repeating: 0, count: tables.count)
        spare = Array(repeating: [], count: tables.count)
    }

    func start() {
        condition.lock()
        running = tables.count
        condition.unlock()
        for lane in tables.indices {
            startThread(named: "mailsla-jlane-\(lane)") { [self] in
                run(lane: lane)
                condition.lock()
                running -= 1
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Stops the lanes at their next chunk and waits for their threads to end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// The next chunk of `file`, waiting for it.
    func take(file: Int) -> LaneChunk {
        condition.lock()
        defer { condition.unlock() }
        while queued[file].isEmpty { condition.wait() }
        let chunk = queued[file].removeFirst()
        backlog[chunk.lane] -= 1
        condition.broadcast()
        return chunk
    }

    /// Gives a chunk's storage back to its lane.
    func recycle(_ chunk: LaneChunk) {
        condition.lock()
        spare[chunk.lane].append(chunk)
        condition.unlock()
    }

    private func run(lane: Int) {
        for file in stride(from: lane, to: files.count, by: tables.count) {
            var end = LaneChunk.FileEnd()
            do {
                let reader = try JournalReader(.files([files[file]]), matches: matches, symbols: tables[lane],
                                               maxMessageBytes: maxMessageBytes, library: libraries[lane])
                while true {
                    guard let chunk = emptyChunk(lane: lane) else { return }
                    chunk.file = file
                    if try reader.read(into: &chunk.batch, limit: chunkLimit) == 0 {
                        recycle(chunk)
                        break
                    }
                    queue(chunk)
                }
                end.entries = reader.entriesRead
                end.withoutMessage = reader.entriesWithoutMessage
                end.cut = reader.messagesCut
            } catch let error as InputError {
                end.failure = error
            } catch {
                end.failure = InputError(.journalRejected, path: files[file], reason: "\(error)")
            }
            guard let marker = emptyChunk(lane: lane) else { return }
            marker.file = file
            marker.end = end
            queue(marker)
            if end.failure != nil { return }
        }
    }

    /// A cleared chunk once the lane may queue another; nil when stopped.
    private func emptyChunk(lane: Int) -> LaneChunk? {
        condition.lock()
        while backlog[lane] >= bufferedChunks && !stopped { condition.wait() }
        if stopped {
            condition.unlock()
            return nil
        }
        let chunk = spare[lane].popLast() ?? LaneChunk(lane: lane)
        condition.unlock()
        chunk.end = nil
        chunk.batch.bytes.removeAll(keepingCapacity: true)
        chunk.batch.records.removeAll(keepingCapacity: true)
        return chunk
    }

    private func queue(_ chunk: LaneChunk) {
        condition.lock()
        queued[chunk.file].append(chunk)
        backlog[chunk.lane] += 1
        condition.broadcast()
        condition.unlock()
    }
}
