/// Everything the summary and the report's `input` section say about what was read.
public struct InputCounters: Sendable {
    public var framing = FramingCounters()
    public var malformed = MalformedCounts()
    /// Records that reached the stages (parsed lines and journal entries).
    public var parsed = 0
    /// Records per program symbol.
    public var byProgram: [Symbol: Int] = [:]
    /// Records per host symbol.
    public var byHost: [Symbol: Int] = [:]
    public var firstTime = Int64.max
    public var lastTime = Int64.min
    /// Journal entries read (they bypass the framer).
    public var journalEntries = 0
    /// Input units that failed (unreadable files, corrupt gzip, rejected journals).
    public var failedSources = 0

    public init() {}

    /// All records seen: lines handed on by the framer plus journal entries.
    public var lines: Int { framing.lines + journalEntries }

    /// Counts a batch of records in one pass, with small local tallies merged once.
    public mutating func count(_ batch: RecordBatch) {
        parsed += batch.records.count
        var lastProgram = Symbol.none
        var lastHost = Symbol.none
        var programRun = 0
        var hostRun = 0
        var first = firstTime
        var last = lastTime
        for record in batch.records {
            if record.program != lastProgram {
                if programRun > 0 { byProgram[lastProgram, default: 0] += programRun }
                lastProgram = record.program
                programRun = 0
            }
            programRun += 1
            if record.host != lastHost {
                if hostRun > 0 { byHost[lastHost, default: 0] += hostRun }
                lastHost = record.host
                hostRun = 0
            }
            hostRun += 1
            if record.time != LogRecord.noTime {
                if record.time < first { first = record.time }
                if record.time > last { last = record.time }
            }
        }
        if programRun > 0 { byProgram[lastProgram, default: 0] += programRun }
        if hostRun > 0 { byHost[lastHost, default: 0] += hostRun }
        firstTime = first
        lastTime = last
    }
}
