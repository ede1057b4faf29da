// libFuzzer target: the syslog header parser, every timestamp form (RFC 3164,
// RFC 3339 with fractions and offsets, ISO with a space, RFC 5424, TAI64N,
// a daemon's own log with --program). The first byte picks the year anchor,
// the zone and the program override; every record must point inside its line.
import Foundation
import MailslaCore

private let zones = ["UTC", "Europe/Berlin", "America/St_Johns", "Pacific/Kiritimati", "Australia/Lord_Howe"]
    .map { TimeZone(identifier: $0)! }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyslogParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let mode = data[0]
    let options = ParseOptions(timeZone: zones[Int(mode) % zones.count], program: mode & 0x80 != 0 ? "dovecot" : nil)
    let anchor: YearTracker.Anchor = mode & 0x40 != 0
        ? .endsNear(year: 2026, month: Int(mode % 12) + 1) : .firstLineYear(1970 + Int(mode & 0x3F) * 2)
    let symbols = SymbolTable()
    var parser = SyslogParser(symbols: symbols, options: options, years: YearTracker(anchor))
    // Every LF-separated piece is one line, parsed alone and then all together as one batch.
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var spans: [LineSpan] = []
    var start = 0
    for (i, byte) in input.enumerated() where byte == 0x0A {
        spans.append(LineSpan(start: start, end: i))
        start = i + 1
    }
    spans.append(LineSpan(start: start, end: input.count))
    for span in spans {
        let line = UnsafeBufferPointer(rebasing: input[Int(span.start)..<Int(span.end)])
        if case .record(let r) = parser.parse(line, at: span.start) {
            precondition(r.lineStart == span.start, "lineStart \(r.lineStart) != \(span.start)")
            precondition(r.messageStart >= span.start && r.messageStart <= r.messageEnd && r.messageEnd <= span.end,
                         "message \(r.messageStart)..<\(r.messageEnd) outside the line \(span.start)..<\(span.end)")
            _ = symbols.name(r.host)
            _ = symbols.name(r.program)
        }
    }
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    parser.parse(LineBatch(bytes: Array(input), lines: spans), into: &batch, malformed: &malformed)
    precondition(batch.records.count + malformed.total == spans.count, "records + malformed != lines")
    for record in batch.records { _ = batch.message(of: record) }
    return 0
}
