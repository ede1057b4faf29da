import MailslaCore

/// A replay source of journal records: one `JournalReader`, or a `ParallelJournalReader`
/// whose lanes split libsystemd's per-field work over several threads. Both give the same
/// records in the same order; replay picks one by `--journal-threads`.
public protocol JournalBatchSource: AnyObject {
    /// Appends the next records to `batch`, at most `limit`; returns how many (0 only at the end
    /// of the journal). Throws `.journalRejected` when libsystemd fails to move on.
    func readBatch(into batch: inout RecordBatch, limit: Int) throws -> Int
    /// Files of a `.directory` location that libsystemd could not open and so left out.
    var rejectedFiles: [InputError] { get }
    /// Entries without a MESSAGE field (skipped, counted).
    var entriesWithoutMessage: Int { get }
    /// Messages longer than the limit (their first bytes were kept).
    var messagesCut: Int { get }
}

extension JournalBatchSource {
    /// Appends the next `JournalReader.batchLimit` records at most.
    public func readBatch(into batch: inout RecordBatch) throws -> Int {
        try readBatch(into: &batch, limit: JournalReader.batchLimit)
    }
}

extension JournalReader: JournalBatchSource {
    public func readBatch(into batch: inout RecordBatch, limit: Int) throws -> Int {
        try read(into: &batch, limit: limit)
    }
}
