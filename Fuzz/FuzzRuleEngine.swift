// libFuzzer target: the rule engine with the shipped pack (rules/, or
// $MAILSLA_RULES). Each LF-separated piece of the input is a log line: parsed,
// classified, and every event's fields resolved (transforms, reason maps).
// A PCRE2 limit hit is counted, not fatal; a crash, a capture outside its line
// or an event for a line that was not classified is.
import Foundation
import MailslaCore
import MailslaRules

private let pack: RuleSet = {
    let directory = ProcessInfo.processInfo.environment["MAILSLA_RULES"] ?? "rules"
    do { return try RuleSet(directory: directory) } catch { fatalError("fuzz: cannot load the rule pack in \(directory): \(error)") }
}()

/// Loads the pack before the first input, so its cost is not charged to an input's timeout.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    _ = pack
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleEngine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let symbols = SymbolTable()
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
    var classifier = Classifier(rules: pack, symbols: symbols)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var spans: [LineSpan] = []
    var start = 0
    for (i, byte) in bytes.enumerated() where byte == 0x0A {
        spans.append(LineSpan(start: start, end: i))
        start = i + 1
    }
    spans.append(LineSpan(start: start, end: bytes.count))
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    parser.parse(LineBatch(bytes: bytes, lines: spans), into: &batch, malformed: &malformed)
    var events = EventBatch()
    classifier.classify(batch, into: &events)
    precondition(events.events.count <= batch.records.count, "more events than records")
    for event in events.events {
        precondition(Int(event.record) < batch.records.count, "event for record \(event.record) of \(batch.records.count)")
        let record = batch.records[Int(event.record)]
        let first = Int(event.firstCapture)
        for capture in events.captures[first..<first + Int(event.captureCount)] {
            precondition(capture.start >= record.messageStart && capture.start <= capture.end && capture.end <= record.messageEnd,
                         "capture \(capture.start)..<\(capture.end) outside the message \(record.messageStart)..<\(record.messageEnd)")
        }
        _ = EventFields.resolve(event, in: events, bytes: batch.bytes, rules: pack, matcher: classifier.matcher)
    }
    return 0
}
