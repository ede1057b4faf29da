import MailslaCore

/// The stages every record batch goes through, whatever its source. Replay
/// and tail feed the same pipeline; later stages (classify, correlate,
/// detect) hang off `process`.
public final class Pipeline {
    public let symbols: SymbolTable
    public private(set) var counters = InputCounters()
    private var events: EventWriter?

    public init(symbols: SymbolTable, events: EventWriter? = nil) {
        self.symbols = symbols
        self.events = events
    }

    /// Runs every stage over one batch.
    public func process(_ batch: RecordBatch) throws {
        counters.count(batch)
        try events?.write(batch)
    }

    /// Adds what the framer and parser counted for a text source.
    public func addFraming(_ framing: FramingCounters, malformed: MalformedCounts) {
        counters.framing += framing
        counters.malformed += malformed
    }

    public func addJournalEntries(_ count: Int) { counters.journalEntries += count }

    public func sourceFailed() { counters.failedSources += 1 }

    public func finish() throws -> Int {
        try events?.flush()
        return events?.invalidUTF8Values ?? 0
    }
}
