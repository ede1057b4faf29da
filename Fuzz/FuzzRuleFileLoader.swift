// libFuzzer target: the rule-file loader and compiler. The input is one rule
// file, loaded beside the shipped taxonomy and fragments (so fragment
// references resolve), compiled, and — when it compiles — run over a few
// lines, so a fuzzed pattern meets the production match limits. Every failure
// must be a RulePackErrors naming a file.
import Foundation
import MailslaCore
import MailslaRules

private let directory = ProcessInfo.processInfo.environment["MAILSLA_RULES"] ?? "rules"
private let shared: [(name: String, text: Result<String, any Error>)] = ["taxonomy.yaml", "fragments.yaml"].map { name in
    (name, Result { try String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8) })
}
private let lines = [
    "Mar 14 08:00:00 mx1 postfix/smtpd[4002]: connect from mail.example.net[192.0.2.21]",
    "Mar 14 08:00:00 mx1 fuzz[1]: " + String(repeating: "a", count: 4096),
    "Mar 14 08:00:00 mx1 fuzz[1]: " + String(repeating: "<a@b>, ", count: 300),
]

/// Reads the shared rule files before the first input, so its cost is not charged to an input's timeout.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    _ = shared
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleFileLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let rules: RuleSet
    do {
        let spec = try RulePackLoader.load(files: shared + [("fuzz.yaml", .success(text))], directory: directory)
        rules = try RuleSet(spec: spec)
    } catch let error as RulePackErrors {
        precondition(!error.errors.isEmpty && error.errors.allSatisfy { !$0.file.isEmpty }, "an error without a file")
        return 0
    } catch {
        preconditionFailure("not a RulePackErrors: \(error)")
    }
    let symbols = SymbolTable()
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
    var classifier = Classifier(rules: rules, symbols: symbols)
    let bytes = Array(lines.joined(separator: "\n").utf8)
    var spans: [LineSpan] = []
    var start = 0
    for (i, byte) in (bytes + [0x0A]).enumerated() where byte == 0x0A {
        spans.append(LineSpan(start: start, end: i))
        start = i + 1
    }
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    parser.parse(LineBatch(bytes: bytes, lines: spans), into: &batch, malformed: &malformed)
    var events = EventBatch()
    classifier.classify(batch, into: &events)
    for event in events.events {
        _ = EventFields.resolve(event, in: events, bytes: batch.bytes, rules: rules, matcher: classifier.matcher)
    }
    return 0
}
