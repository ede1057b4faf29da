/// Everything the summary and the report's `input` section say about what was read.
public struct InputCounters: Sendable {
    public var framing = FramingCounters()
    public var malformed = MalformedCounts()
    /// Records that reached the stages (parsed lines and journal entries).
    public var parsed = 0
    /// Records per program and per host, indexed by symbol (arrays: no hashing per line).
    var programCounts: [Int] = []
    var hostCounts: [Int] = []

    /// Records per program symbol.
    public var byProgram: [Symbol: Int] { Self.dictionary(programCounts) }
    /// Records per host symbol.
    public var byHost: [Symbol: Int] { Self.dictionary(hostCounts) }
    public var firstTime = Int64.max
    public var lastTime = Int64.min
    /// Journal entries read (they bypass the framer).
    public var journalEntries = 0
    /// Journal entries without a MESSAGE field, dropped.
    public var journalEntriesWithoutMessage = 0
    /// Input units that failed (unreadable files, corrupt gzip, rejected journals).
    public var failedSources = 0

    public init() {}

    /// All records seen: lines handed on by the framer plus journal entries.
    public var lines: Int { framing.lines + journalEntries }

    /// Counts a batch of records in one pass.
    public mutating func count(_ batch: RecordBatch) {
        parsed += batch.records.count
        var first = firstTime
        var last = lastTime
        var programs = programCounts
        var hosts = hostCounts
        programCounts = []
        hostCounts = []
        // Symbols only grow: size the tallies once per batch, then count through raw buffers.
        var top = 0
        for record in batch.records { top = max(top, Int(record.program.raw), Int(record.host.raw)) }
        if top >= programs.count { programs += Array(repeating: 0, count: top + 1 - programs.count) }
        if top >= hosts.count { hosts += Array(repeating: 0, count: top + 1 - hosts.count) }
        programs.withUnsafeMutableBufferPointer { programs in
            hosts.withUnsafeMutableBufferPointer { hosts in
                for record in batch.records {
                    programs[Int(record.program.raw)] &+= 1
                    hosts[Int(record.host.raw)] &+= 1
                    if record.time != LogRecord.noTime {
                        if record.time < first { first = record.time }
                        if record.time > last { last = record.time }
                    }
                }
            }
        }
        programCounts = programs
        hostCounts = hosts
        firstTime = first
        lastTime = last
    }

    private static func dictionary(_ counts: [Int]) -> [Symbol: Int] {
        var out: [Symbol: Int] = [:]
        for (raw, count) in counts.enumerated() where count > 0 { out[Symbol(raw: UInt32(raw))] = count }
        return out
    }
}
