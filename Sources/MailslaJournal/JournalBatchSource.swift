import MailslaCore

/// Journal records for a replay: one `JournalReader`, or `JournalFileLanes` reading a rotated
/// directory's files on two threads. Both give the same records in the same batches, so the
/// replay does not care which one it got (`JournalFileLanes.open`).
public protocol JournalBatchSource: AnyObject {
    /// Appends up to `limit` records to `batch`; returns how many (0 only at the end).
    /// Throws `.journalRejected` when libsystemd fails to move on.
    func read(into batch: inout RecordBatch, limit: Int) throws -> Int
    /// Files of a directory that libsystemd could not open and so left out.
    var rejectedFiles: [InputError] { get }
    /// Entries read, with or without a message.
    var entriesRead: Int { get }
    /// Entries without a MESSAGE field (skipped, counted).
    var entriesWithoutMessage: Int { get }
    /// Messages longer than the limit (their first bytes were kept).
    var messagesCut: Int { get }
}

extension JournalReader: JournalBatchSource {}
