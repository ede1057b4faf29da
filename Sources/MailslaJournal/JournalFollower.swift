import CSystemd
import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

/// Follows a journal as it is written, for `mailsla tail`: the local journal, a directory
/// or a namespace, from a stored cursor, from now, from a time or from the beginning.
///
/// Entries are decoded by `JournalReader` (the replay path), so a live run and a replay of
/// the same entries give the same records. `read` never blocks; wait on `pollDescriptor`
/// with poll(2), call `processWakeup()` when it is readable, then `read` until it returns 0.
/// libsystemd notices rotated and vacuumed files in `processWakeup()`; entries still on disk
/// are read once each across both. Not thread-safe (libsystemd is not): one thread owns it.
public final class JournalFollower {
    /// Where reading starts.
    public enum Start: Sendable, Equatable {
        /// After the entry a checkpoint stored (that entry itself is not read again). If it was
        /// vacuumed meanwhile, at the first entry past where it was: see `cursorFound`.
        case cursor(String)
        /// With the entries written from now on.
        case end
        /// With the entries written from this time on (µs since the epoch).
        case since(Int64)
        case beginning
    }

    private let reader: JournalReader
    /// sd_journal_get_fd: readable when the journal changed. Wait on it for POLLIN.
    public let pollDescriptor: Int32
    /// For `.cursor`: whether the stored entry was still in the journal (false: it was vacuumed,
    /// or the matches exclude it, and entries between it and the next one kept may be lost).
    public let cursorFound: Bool?

    /// Opens the journal and moves to `start`. `matches` are `FIELD=value` strings
    /// (`_SYSTEMD_UNIT=postfix@-.service`, `SYSLOG_IDENTIFIER=postfix/smtpd`): the same field
    /// ORs, different fields AND. Messages longer than `maxMessageBytes` are cut and counted.
    /// Throws `InputError.journalRejected` naming the location, for a journal that cannot be
    /// opened, a malformed match or a malformed cursor.
    public init(_ location: JournalReader.Location, matches: [String], start: Start, symbols: SymbolTable,
                maxMessageBytes: Int = 65536) throws {
        SigbusGuard.install()
        reader = try JournalReader(location, matches: matches, symbols: symbols, maxMessageBytes: maxMessageBytes)
        // Sets up libsystemd's inotify watches; changes made after this call are seen.
        let fd = sd_journal_get_fd(reader.journal)
        guard fd >= 0 else { throw JournalReader.error(location, fd, "cannot watch the journal") }
        pollDescriptor = fd
        switch start {
        case .beginning:
            cursorFound = nil
        case .since(let usec):
            try reader.seek(realtime: UInt64(max(usec, 0)))
            cursorFound = nil
        case .end:
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            try reader.seekToEnd(now: UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000))
            cursorFound = nil
        case .cursor(let cursor):
            cursorFound = try reader.seek(cursor: cursor)
        }
    }

    /// Appends up to `max` records to `batch` from what the journal holds now; 0 when there is
    /// nothing new (wait on `pollDescriptor`). Throws `.journalRejected` when libsystemd fails.
    /// Files vacuumed since the last wake-up are dropped first when the descriptor says so,
    /// so the reader does not touch them (see `SigbusGuard`).
    public func read(into batch: inout RecordBatch, max: Int) throws -> Int {
        var pending = pollfd(fd: pollDescriptor, events: Int16(POLLIN), revents: 0)
        if poll(&pending, 1, 0) == 1 { processWakeup() }
        return try reader.read(into: &batch, limit: max)
    }

    /// The cursor of the last entry handed out (or skipped for lacking a message), to store in a
    /// checkpoint; with `.end`, the last entry before the start. Nil when there is none yet.
    public var cursor: String? { reader.cursor() }

    /// Lets libsystemd take in what happened (new entries, new, rotated or deleted files) after
    /// `pollDescriptor` became readable, and empties its queue.
    public func processWakeup() {
        _ = sd_journal_process(reader.journal)
    }

    /// Entries read so far, with or without a message.
    public var entriesRead: Int { reader.entriesRead }
    /// Entries skipped for lacking a MESSAGE field.
    public var entriesWithoutMessage: Int { reader.entriesWithoutMessage }
    /// Messages cut at `maxMessageBytes`.
    public var messagesCut: Int { reader.messagesCut }
}
