import MailslaCore

/// Writes one JSON object per record (`--events`): time, host, program and
/// its parts, pid and the message. Buffered; flushed every 256 KiB.
public final class EventWriter {
    private let output: OutputFile
    private let symbols: SymbolTable
    private var json = JSONLineWriter()
    private var programs: [Symbol: ProgramName] = [:]

    public init(output: OutputFile, symbols: SymbolTable) {
        self.output = output
        self.symbols = symbols
    }

    public var invalidUTF8Values: Int { json.invalidUTF8Values }

    public func write(_ batch: RecordBatch) throws {
        batch.bytes.withUnsafeBufferPointer { all in
            for record in batch.records {
                json.beginObject()
                json.key("time")
                if record.time == LogRecord.noTime { json.null() } else { json.string(TimeFormat.rfc3339(micros: record.time)) }
                json.key("host")
                if record.host == .none { json.null() } else { json.string(symbols.name(record.host)) }
                let program = programName(record.program)
                json.field("program", program.full)
                json.field("daemon", program.daemon)
                if let instance = program.instance { json.field("instance", instance) }
                if let service = program.service { json.field("service", service) }
                json.key("pid")
                if record.pid < 0 { json.null() } else { json.number(Int(record.pid)) }
                json.field("message", bytes: UnsafeBufferPointer(rebasing: all[Int(record.messageStart)..<Int(record.messageEnd)]))
                json.endObject()
                json.endLine()
            }
        }
        if json.buffer.count >= 256 * 1024 { try flush() }
    }

    public func flush() throws {
        guard !json.buffer.isEmpty else { return }
        try output.write(json.buffer)
        json.reset()
    }

    private func programName(_ symbol: Symbol) -> ProgramName {
        if let known = programs[symbol] { return known }
        let name = ProgramName(symbols.name(symbol))
        programs[symbol] = name
        return name
    }
}
