import MailslaCore
import MailslaRules

/// Writes one JSON object per record (`--events`): time, host, program and
/// its parts, pid, the message and, when a rule matched, the event kind, the
/// rule id and the fields. Buffered; flushed every 256 KiB.
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

    public func write(_ batch: RecordBatch, events: EventBatch, classifier: Classifier?) throws {
        var next = 0
        batch.bytes.withUnsafeBufferPointer { all in
            for (index, record) in batch.records.enumerated() {
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
                if let classifier {
                    if next < events.events.count, events.events[next].record == Int32(index) {
                        let event = events.events[next]
                        next += 1
                        let rules = classifier.rules
                        json.field("event", rules.kinds[Int(event.kind)])
                        json.field("rule", rules.rules[Int(event.rule)].id)
                        json.key("fields")
                        json.beginObject()
                        for (name, value) in EventFields.resolve(event, in: events, bytes: all, rules: rules,
                                                                 matcher: classifier.matcher) {
                            json.key(name)
                            json.string(value)
                        }
                        json.endObject()
                    } else {
                        json.key("event")
                        json.null()
                    }
                }
                json.endObject()
                json.endLine()
            }
        }
        try output.drain(&json, atLeast: 256 * 1024)
    }

    public func flush() throws { try output.drain(&json) }

    private func programName(_ symbol: Symbol) -> ProgramName {
        if let known = programs[symbol] { return known }
        let name = ProgramName(symbols.name(symbol))
        programs[symbol] = name
        return name
    }
}
