import CSystemd
import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads journal entries through libsystemd into record batches.
///
/// Each entry's fields are read in one pass (`enumerate_available_data`),
/// which is about twice as fast as one `get_data` call per field. A record
/// takes MESSAGE, SYSLOG_IDENTIFIER (else _COMM), _PID (else SYSLOG_PID),
/// _HOSTNAME and the realtime stamp. Not thread-safe (libsystemd is not):
/// one reader lives on one thread.
public final class JournalReader {
    /// Where the entries come from.
    public enum Location: Sendable, Equatable {
        case files([String])
        case directory(String)
        case local
        case namespace(String)
    }

    public let location: Location
    private var journal: OpaquePointer?
    private let symbols: SymbolTable
    public private(set) var entriesRead = 0
    /// Entries without a MESSAGE field (skipped, counted).
    public private(set) var entriesWithoutMessage = 0

    /// Opens the journal. Throws `InputError.journalRejected` naming the location and the errno text.
    /// `matches` are `FIELD=value` strings: the same field ORs, different fields AND (libsystemd's rules).
    public init(_ location: Location, matches: [String] = [], symbols: SymbolTable) throws {
        self.location = location
        self.symbols = symbols
        var j: OpaquePointer?
        let status: Int32
        switch location {
        case .files(let paths):
            let cPaths = paths.map { strdup($0) }
            defer { cPaths.forEach { free($0) } }
            var array: [UnsafePointer<CChar>?] = cPaths.map { UnsafePointer($0) } + [nil]
            status = sd_journal_open_files(&j, &array, 0)
        case .directory(let path):
            status = sd_journal_open_directory(&j, path, 0)
        case .local:
            status = sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY))
        case .namespace(let name):
            status = sd_journal_open_namespace(&j, name, Int32(SD_JOURNAL_LOCAL_ONLY))
        }
        guard status >= 0, let j else { throw Self.error(location, status, "cannot open the journal") }
        journal = j
        for match in matches {
            let r = sd_journal_add_match(j, match, 0)
            guard r >= 0 else { throw Self.error(location, r, "bad match '\(match)' (use FIELD=value)") }
        }
        let r = sd_journal_seek_head(j)
        guard r >= 0 else { throw Self.error(location, r, "cannot seek to the head") }
    }

    deinit {
        if let journal { sd_journal_close(journal) }
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

    /// Appends up to `limit` entries to `batch`; returns how many were read (0 at the end).
    public func read(into batch: inout RecordBatch, limit: Int = 4096) throws -> Int {
        guard let j = journal else { return 0 }
        var count = 0
        while count < limit {
            let r = sd_journal_next(j)
            if r == 0 { break }
            guard r > 0 else { throw Self.error(location, r, "cannot read the next entry") }
            if appendEntry(j, to: &batch) { count += 1 }
            entriesRead += 1
        }
        return count
    }

    /// The cursor of the current entry, for resuming later.
    public func cursor() -> String? {
        guard let journal else { return nil }
        var cursor: UnsafeMutablePointer<CChar>?
        guard sd_journal_get_cursor(journal, &cursor) >= 0, let cursor else { return nil }
        defer { free(cursor) }
        return String(cString: cursor)
    }

    private func appendEntry(_ j: OpaquePointer, to batch: inout RecordBatch) -> Bool {
        var usec: UInt64 = 0
        let time: Int64 = sd_journal_get_realtime_usec(j, &usec) >= 0 ? Int64(usec) : LogRecord.noTime
        var message: UnsafeBufferPointer<UInt8>?
        var identifier: UnsafeBufferPointer<UInt8>?
        var comm: UnsafeBufferPointer<UInt8>?
        var host: UnsafeBufferPointer<UInt8>?
        var pid: Int32 = -1
        var syslogPid: Int32 = -1
        var data: UnsafeRawPointer?
        var length = 0
        sd_journal_restart_data(j)
        while sd_journal_enumerate_available_data(j, &data, &length) > 0 {
            guard let data, length > 2 else { continue }
            let field = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: length)
            switch field[0] {
            case UInt8(ascii: "M"):
                if let v = value(field, "MESSAGE=") { message = v }
            case UInt8(ascii: "S"):
                if let v = value(field, "SYSLOG_IDENTIFIER=") { identifier = v }
                else if let v = value(field, "SYSLOG_PID=") { syslogPid = Self.number(v) }
            case UInt8(ascii: "_"):
                if let v = value(field, "_PID=") { pid = Self.number(v) }
                else if let v = value(field, "_HOSTNAME=") { host = v }
                else if let v = value(field, "_COMM=") { comm = v }
            default:
                break
            }
        }
        guard let message else {
            entriesWithoutMessage += 1
            return false
        }
        let program = (identifier ?? comm).map { symbols.intern($0) } ?? .none
        let hostSymbol = host.map { symbols.intern($0) } ?? .none
        let start = Int32(batch.bytes.count)
        batch.bytes.append(contentsOf: message)
        let end = Int32(batch.bytes.count)
        batch.records.append(LogRecord(time: time, host: hostSymbol, program: program,
                                       pid: pid >= 0 ? pid : syslogPid,
                                       lineStart: start, messageStart: start, messageEnd: end))
        return true
    }

    @inline(__always)
    private func value(_ field: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> UnsafeBufferPointer<UInt8>? {
        let n = prefix.utf8CodeUnitCount
        guard field.count >= n, memcmp(field.baseAddress!, prefix.utf8Start, n) == 0 else { return nil }
        return UnsafeBufferPointer(rebasing: field[n...])
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var v: Int32 = 0
        for b in bytes.prefix(9) {
            guard b &- 48 < 10 else { return -1 }
            v = v * 10 + Int32(b - 48)
        }
        return bytes.isEmpty ? -1 : v
    }
}
