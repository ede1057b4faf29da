import CJournalLibrary
import CSystemd
import Foundation
import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads journal entries through libsystemd into record batches.
///
/// Each entry's fields are read in one pass (`enumerate_available_data`),
/// which is about twice as fast as one `get_data` call per field. A record
/// takes MESSAGE, SYSLOG_IDENTIFIER (else _COMM), _PID (else SYSLOG_PID),
/// _HOSTNAME and the realtime stamp. Cost: libsystemd's per-field work is
/// ~80 % of a replay, so the loop here avoids everything else it can.
/// Not thread-safe (libsystemd is not): one reader lives on one thread.
public final class JournalReader {
    /// Where the entries come from.
    public enum Location: Sendable, Equatable {
        case files([String])
        case directory(String)
        case local
        case namespace(String)
    }

    /// Records per batch in a replay: where one reader's batches end, which the lanes reproduce.
    public static let batchLimit = 4096

    public let location: Location
    /// Longer messages are cut to this many bytes and counted in `messagesCut`, as the
    /// framer cuts long text lines, so one huge entry cannot blow up a batch.
    public let maxMessageBytes: Int
    let journal: OpaquePointer
    /// The copy of libsystemd this reader calls, and its calls.
    public let library: JournalLibrary
    private let calls: mailsla_journal_library
    private let names: RecentNames
    /// Entries read, with or without a message.
    public private(set) var entriesRead = 0
    /// Entries without a MESSAGE field (skipped, counted).
    public private(set) var entriesWithoutMessage = 0
    /// Messages longer than `maxMessageBytes` (the first `maxMessageBytes` bytes were kept).
    public private(set) var messagesCut = 0
    /// Files of a `.directory` location that libsystemd could not open and so left out
    /// without a word (journalctl only warns). Empty for the other locations.
    public private(set) var rejectedFiles: [InputError] = []
    /// Set when `seek(cursor:)` landed on an entry after the cursor's: that entry is not read yet.
    private var holdsUnreadEntry = false
    /// The cursor given to `seek(cursor:)`, which `cursor()` answers until an entry is read:
    /// the entry libsystemd stands on after a seek may not be handled yet, or there may be none.
    private var seekCursor: String?

    /// Opens the journal. Throws `InputError.journalRejected` naming the location and the errno text:
    /// a missing path, a file libsystemd does not accept as a journal, or a malformed match.
    /// `matches` are `FIELD=value` strings: the same field ORs, different fields AND (libsystemd's rules).
    /// `library` is the copy of libsystemd to read through: the linked one, or a lane's private copy.
    public init(_ location: Location, matches: [String] = [], symbols: SymbolTable,
                maxMessageBytes: Int = 65536, library: JournalLibrary = .linked) throws {
        precondition(maxMessageBytes > 0, "maxMessageBytes must be positive")
        self.library = library
        let calls = library.calls.pointee
        self.calls = calls
        self.location = location
        self.names = RecentNames(symbols)
        self.maxMessageBytes = maxMessageBytes
        var j: OpaquePointer?
        let status: Int32
        switch location {
        case .files(let paths):
            let cPaths = paths.map { strdup($0) }
            defer { cPaths.forEach { free($0) } }
            var array: [UnsafePointer<CChar>?] = cPaths.map { UnsafePointer($0) } + [nil]
            status = calls.open_files!(&j, &array, 0)
        case .directory(let path):
            status = calls.open_directory!(&j, path, 0)
        case .local:
            status = calls.open!(&j, Int32(SD_JOURNAL_LOCAL_ONLY))
        case .namespace(let name):
            status = calls.open_namespace!(&j, name, Int32(SD_JOURNAL_LOCAL_ONLY))
        }
        guard status >= 0, let j else { throw Self.error(location, status, "cannot open the journal") }
        journal = j
        // Compressed values are only inflated up to the threshold (64 KiB by default). One byte
        // more than the limit (plus "MESSAGE=") is enough to tell that a message was cut.
        var r = calls.set_data_threshold!(j, min(maxMessageBytes, Int.max - 16) + 9)
        guard r >= 0 else { throw Self.error(location, r, "cannot set the data threshold") }
        for match in matches {
            r = calls.add_match!(j, match, 0)
            guard r >= 0 else { throw Self.error(location, r, "bad match '\(match)' (use FIELD=value)") }
        }
        r = calls.seek_head!(j)
        guard r >= 0 else { throw Self.error(location, r, "cannot seek to the head") }
        if case .directory(let path) = location { rejectedFiles = Self.unopenableFiles(in: path) }
    }

    /// The journal files libsystemd reads for `sd_journal_open_directory(directory, 0)`: those
    /// in `directory` and in its machine-id subdirectories, sorted by path.
    static func journalFiles(in directory: String) -> [String] {
        let manager = FileManager.default
        let top = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        var paths: [String] = []
        for name in top.sorted() {
            let path = directory + "/" + name
            if isJournalFile(name) {
                paths.append(path)
            } else if name.count == 32, name.allSatisfy(\.isHexDigit) {
                let inner = (try? manager.contentsOfDirectory(atPath: path)) ?? []
                paths += inner.sorted().filter(isJournalFile).map { path + "/" + $0 }
            }
        }
        return paths
    }

    /// Opens each journal file of `directory` (`journalFiles(in:)`) on its own and returns the
    /// ones that fail. Costs one header read per file.
    static func unopenableFiles(in directory: String) -> [InputError] {
        let paths = journalFiles(in: directory)
        return paths.compactMap { path in
            let cPath = strdup(path)
            defer { free(cPath) }
            var array: [UnsafePointer<CChar>?] = [UnsafePointer(cPath), nil]
            var j: OpaquePointer?
            let r = sd_journal_open_files(&j, &array, 0)
            if r >= 0 {
                sd_journal_close(j)
                return nil
            }
            return error(.files([path]), r, "journal file left out")
        }
    }

    private static func isJournalFile(_ name: String) -> Bool {
        name.hasSuffix(".journal") || name.hasSuffix(".journal~")
    }

    deinit {
        calls.close!(journal)
    }

    static func error(_ location: Location, _ status: Int32, _ what: String) -> InputError {
        let name: String
        switch location {
        case .files(let paths): name = paths.joined(separator: ", ")
        case .directory(let path): name = path
        case .local: name = "local journal"
        case .namespace(let ns): name = "journal namespace \(ns)"
        }
        return InputError(.journalRejected, path: name, reason: "\(what): \(String(cString: strerror(-status)))")
    }

    /// Appends up to `limit` records to `batch`; returns how many (0 only at the end of the journal).
    /// Entries without a message are skipped and do not count against `limit`.
    /// Throws `.journalRejected` when libsystemd fails to move to the next entry.
    public func read(into batch: inout RecordBatch, limit: Int = JournalReader.batchLimit) throws -> Int {
        // Counters live in a local and are stored once: class properties cost an
        // exclusivity check on every write in the per-entry loop.
        var tally = Tally()
        defer {
            entriesRead += tally.entries
            entriesWithoutMessage += tally.withoutMessage
            messagesCut += tally.cut
            if tally.entries > 0 { seekCursor = nil }
        }
        // The message bytes are appended to a plain array, put back once at the end.
        var bytes = batch.bytes.takeArray()
        defer { batch.bytes = BatchBytes(bytes) }
        var count = 0
        if holdsUnreadEntry && limit > 0 {
            holdsUnreadEntry = false
            if appendEntry(to: &bytes, &batch.records, tally: &tally) { count += 1 }
        }
        while count < limit {
            let r = calls.next!(journal)
            if r == 0 { break }
            guard r > 0 else { throw Self.error(location, r, "cannot read the next entry") }
            if appendEntry(to: &bytes, &batch.records, tally: &tally) { count += 1 }
        }
        return count
    }

    /// The cursor of the entry read last (skipped ones included), for resuming with `seek(cursor:)`;
    /// nil before the first entry.
    public func cursor() -> String? {
        if let seekCursor { return seekCursor }
        var cursor: UnsafeMutablePointer<CChar>?
        guard calls.get_cursor!(journal, &cursor) >= 0, let cursor else { return nil }
        defer { calls.free!(cursor) }
        return String(cString: cursor)
    }

    /// Moves to the entry `cursor` names, so the next `read` continues with the entry after it.
    ///
    /// Returns true when that entry was found. Returns false when it is gone (vacuumed, or
    /// excluded by the matches): reading then goes on from the first entry past where it was,
    /// and that entry is delivered, not skipped. Throws `.journalRejected` for a malformed cursor.
    @discardableResult
    public func seek(cursor: String) throws -> Bool {
        holdsUnreadEntry = false
        seekCursor = nil
        var r = calls.seek_cursor!(journal, cursor)
        guard r >= 0 else { throw Self.error(location, r, "bad cursor '\(cursor)'") }
        // seek_cursor only sets a position; next() lands on the entry at or after it.
        r = calls.next!(journal)
        guard r >= 0 else { throw Self.error(location, r, "cannot move to the cursor") }
        seekCursor = cursor
        if r == 0 { return false }
        if calls.test_cursor!(journal, cursor) > 0 { return true }
        holdsUnreadEntry = true
        return false
    }

    /// Moves to the first entry at or after `usec` (realtime, µs since the epoch): the next
    /// `read` starts there. Throws `.journalRejected` when libsystemd refuses.
    public func seek(realtime usec: UInt64) throws {
        holdsUnreadEntry = false
        seekCursor = nil
        let r = calls.seek_realtime_usec!(journal, usec)
        guard r >= 0 else { throw Self.error(location, r, "cannot seek to time \(usec)") }
    }

    /// Moves past the entries written before `usec`, so `read` gives only later ones, and
    /// stands on the last earlier entry (if any) so `cursor()` names it: a checkpoint taken
    /// before anything new arrives still resumes from here.
    ///
    /// Not `sd_journal_seek_tail`: with a match on a value that has no entries yet, systemd
    /// 252 then never returns the new entries (PLATFORM.md §5). Seeking by time has no such bug.
    public func seekToEnd(now usec: UInt64) throws {
        try seek(realtime: usec)
        let r = calls.previous!(journal)
        guard r >= 0 else { throw Self.error(location, r, "cannot move to the end") }
        if r == 0 {
            // Nothing before now: every entry there is is new.
            let head = calls.seek_head!(journal)
            guard head >= 0 else { throw Self.error(location, head, "cannot seek to the head") }
        }
    }

    private struct Tally {
        var entries = 0
        var withoutMessage = 0
        var cut = 0
    }

    /// Turns the current entry into a record; false when it has no MESSAGE.
    @inline(__always)
    private func appendEntry(to bytes: inout [UInt8], _ records: inout [LogRecord], tally: inout Tally) -> Bool {
        let j = journal
        tally.entries += 1
        var usec: UInt64 = 0
        let time: Int64 = calls.get_realtime_usec!(j, &usec) >= 0 ? Int64(usec) : LogRecord.noTime
        var message: UnsafeBufferPointer<UInt8>?
        var identifier: UnsafeBufferPointer<UInt8>?
        var comm: UnsafeBufferPointer<UInt8>?
        var host: UnsafeBufferPointer<UInt8>?
        var pid: Int32 = -1
        var syslogPid: Int32 = -1
        var data: UnsafeRawPointer?
        var length = 0
        // Moving to an entry does not restart the enumeration in systemd 252; restart_data does.
        // Every call costs libsystemd an atomic pid check and a fresh look at the entry object,
        // so the loop stops once the fields that win are all found: later ones could only be
        // repeats or fallbacks (_COMM, SYSLOG_PID) that would not be used.
        calls.restart_data!(j)
        while calls.enumerate_available_data!(j, &data, &length) > 0 {
            guard let data, length > 2 else { continue }
            let field = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: length)
            // A field can repeat; the first value wins, as in `journalctl -o cat`.
            switch field[0] {
            case UInt8(ascii: "M"):
                if message == nil, let v = Self.value(field, "MESSAGE=") { message = v }
            case UInt8(ascii: "S"):
                if identifier == nil, let v = Self.value(field, "SYSLOG_IDENTIFIER=") { identifier = v }
                else if syslogPid < 0, let v = Self.value(field, "SYSLOG_PID=") { syslogPid = Self.number(v) }
            case UInt8(ascii: "_"):
                if pid < 0, let v = Self.value(field, "_PID=") { pid = Self.number(v) }
                else if host == nil, let v = Self.value(field, "_HOSTNAME=") { host = v }
                else if comm == nil, let v = Self.value(field, "_COMM=") { comm = v }
            default:
                break
            }
            if message != nil && identifier != nil && pid >= 0 && host != nil { break }
        }
        guard var message else {
            tally.withoutMessage += 1
            return false
        }
        if message.count > maxMessageBytes {
            message = UnsafeBufferPointer(rebasing: message[..<maxMessageBytes])
            tally.cut += 1
        }
        let program = (identifier ?? comm).map { names.symbol($0) } ?? .none
        let hostSymbol = host.map { names.symbol($0) } ?? .none
        let start = Int32(bytes.count)
        bytes.append(contentsOf: message)
        let end = Int32(bytes.count)
        records.append(LogRecord(time: time, host: hostSymbol, program: program,
                                 pid: pid >= 0 ? pid : syslogPid,
                                 lineStart: start, messageStart: start, messageEnd: end))
        return true
    }

    /// The value after `prefix` ("NAME="), or nil when `field` is another field.
    @inline(__always)
    private static func value(_ field: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> UnsafeBufferPointer<UInt8>? {
        let n = prefix.utf8CodeUnitCount
        guard field.count >= n, ShortBytes.equal(field.baseAddress!, prefix.utf8Start, count: n) else { return nil }
        return UnsafeBufferPointer(rebasing: field[n...])
    }

    /// A decimal pid, or -1 when empty, not all digits, or longer than 9 digits (no pid is that large).
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard !bytes.isEmpty, bytes.count <= 9 else { return -1 }
        var v: Int32 = 0
        for b in bytes {
            guard b &- 48 < 10 else { return -1 }
            v = v * 10 + Int32(b &- 48)
        }
        return v
    }
}
