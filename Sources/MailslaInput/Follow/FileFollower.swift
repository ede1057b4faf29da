import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows log files by name, across rotation, truncation and restarts, handing out complete lines.
///
/// Each followed name (a path, or what a glob matches) holds at most one *current* file and
/// any number of *rotated* ones being finished. When the name comes to hold another file
/// (rename rotation, or deletion and re-creation), the old descriptor stays open and is read
/// to its end before the new file, which is read from byte 0; it is closed once the new file
/// has data (the writer has moved on) or after `rotatedFileGrace` seconds without growth,
/// and its unterminated last line, if any, is handed out then. A file shorter than the
/// offset read, or whose first bytes changed (copytruncate), is read again from 0.
/// Open and read errors (permission denied, I/O) are counted, named in `errors` and retried;
/// they never stop the follower.
///
/// `poll` never blocks or sleeps: wait on `pollDescriptor` (inotify on the files' directories)
/// with a timeout, then poll. Names are looked up again when inotify reports a change of
/// names, and at least every `rescanInterval` seconds (every poll without inotify).
/// Not thread-safe: one thread owns a follower.
public final class FileFollower {
    public let patterns: [String]
    public let maxLineLength: Int
    /// How long a rotated file that no longer grows stays open when no new file takes its place.
    public let rotatedFileGrace: Double
    /// Names are looked up again at least this often (seconds), whatever inotify says.
    public let rescanInterval: Double
    let newFilesStart: FollowStart
    let work: WorkBuffer
    let watcher: DirectoryWatcher
    /// Stored positions not placed yet, by followed name.
    var pendingResume: [String: [FollowPosition]]
    private let resumeInput: [FollowPosition]
    /// Per followed name, rotated files first (oldest first), the current file last.
    var groups: [String: [FollowedFile]] = [:]
    /// Followed names in the order they were first seen.
    var order: [String] = []
    var firstScanDone = false
    /// Names that held a file at some point: opening another one there is a reopen.
    var everOpened = Set<String>()
    var lastScan = -Double.infinity
    var watchesComplete = false
    private var nextStart = 0

    public internal(set) var counters = FollowCounters()
    /// The open or read error each name has now (cleared once it reads again).
    public internal(set) var errors: [String: InputError] = [:]
    /// Stored positions whose file was found nowhere at the first poll.
    public internal(set) var lost: [FollowPosition] = []

    /// - Parameters:
    ///   - patterns: paths and globs (`*`, `?`, `[` in the last component). A glob is expanded
    ///     again on every look-up, so files that appear later are picked up; it leaves out rotated
    ///     names (`x.1`, `x-20261126`, `*.gz`), which are read only to finish a file after a restart.
    ///   - resume: positions from the last checkpoint.
    ///   - newFilesStart: where to start files found at the first poll that have no stored position.
    ///   - maxLineLength: longer lines are cut to this many bytes and counted.
    public init(patterns: [String], resume: [FollowPosition], newFilesStart: FollowStart, maxLineLength: Int,
                rotatedFileGrace: Double = 5, rescanInterval: Double = 1, blockSize: Int = 1 << 20) {
        precondition(maxLineLength > 0 && blockSize > 0)
        self.patterns = patterns
        self.maxLineLength = maxLineLength
        self.rotatedFileGrace = rotatedFileGrace
        self.rescanInterval = rescanInterval
        self.newFilesStart = newFilesStart
        work = WorkBuffer(maxLineLength: maxLineLength, blockSize: blockSize)
        watcher = DirectoryWatcher()
        resumeInput = resume
        pendingResume = Dictionary(grouping: resume, by: \.path)
    }

    /// The inotify descriptor to wait on with poll(2) (readable: call `poll`); nil without inotify.
    public var pollDescriptor: Int32? { watcher.descriptor }

    /// Where every open file stands, to store in a checkpoint with the results of the lines handed out.
    public var positions: [FollowPosition] {
        guard firstScanDone else { return resumeInput }
        // Stored positions not placed yet (their file could not be opened) are kept as they were.
        return order.flatMap { groups[$0, default: []].map(\.position) }
            + pendingResume.keys.sorted().flatMap { pendingResume[$0]! }
    }

    /// Reads what is new in every followed file and hands out complete lines, each file's in order,
    /// a rotated file's before its successor's. Returns true when it stopped after `maxBytes`
    /// with more to read (call again before waiting). Throws only what `body` throws; the
    /// chunk it threw on is handed out again by the next poll.
    @discardableResult
    public func poll(maxBytes: Int = 64 << 20, _ body: (FollowedChunk) throws -> Void) throws -> Bool {
        let now = Self.monotonicNow()
        let namesChanged = watcher.drain()
        if namesChanged || !firstScanDone || !watchesComplete || watcher.descriptor == nil
            || now - lastScan >= rescanInterval {
            scan(now: now)
        }
        var budget = maxBytes
        guard !order.isEmpty else { return false }
        let start = nextStart % order.count
        nextStart = start + 1
        for index in 0..<order.count {
            let path = order[(start + index) % order.count]
            if try !readGroup(path, budget: &budget, now: now, body) { return true }
        }
        return false
    }

    /// Reads one name's files in order; false when the budget ran out.
    private func readGroup(_ path: String, budget: inout Int, now: Double,
                           _ body: (FollowedChunk) throws -> Void) throws -> Bool {
        guard let files = groups[path], !files.isEmpty else { return true }
        // Looked at before the old file's last read: if the writer has moved on to the new
        // file, everything it wrote to the old one is there by now.
        let successorHasData = files.last.map { $0.rotatedSince == nil && $0.currentSize > 0 } ?? false
        var keep: [FollowedFile] = []
        for (index, file) in files.enumerated() {
            if file.checkTruncation() {
                counters[path].truncations += 1
                try file.restartAfterTruncation(work: work, counters: &counters[path], body)
            }
            let stop = try file.read(work: work, budget: &budget, now: now, counters: &counters[path], body)
            switch stop {
            case .budget:
                groups[path] = keep + files[index...]
                return false
            case .failed(let error):
                record(error, for: path)
                keep.append(file)
            case .endOfFile:
                if let since = file.rotatedSince,
                   file.isStream || successorHasData || now - max(since, file.lastGrowth) >= rotatedFileGrace {
                    try file.finishPending(work: work, counters: &counters[path], body)
                } else {
                    keep.append(file)
                }
            }
        }
        groups[path] = keep
        return true
    }

    /// Notes an error for `path`, counting it when it is new.
    func record(_ error: InputError, for path: String) {
        if errors[path] != error { counters[path].errors += 1 }
        errors[path] = error
    }

    static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
