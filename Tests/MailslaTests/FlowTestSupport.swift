import Foundation
import MailslaCore
import MailslaRules
@testable import Mailsla

/// The shipped rule pack, compiled once for all tests.
let shippedRules: RuleSet = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try! RuleSet(directory: root.appendingPathComponent("rules").path)
}()

/// Runs log lines through parse, classify and correlate; returns the records and the health.
func correlate(_ lines: [String], year: Int = 2026, settings: FlowSettings = FlowSettings())
    -> (records: [MessageRecord], health: FlowHealth) {
    let (records, pipeline) = runPipeline(lines, year: year, settings: settings)
    return (records, pipeline.correlator!.health)
}

/// Runs log lines through the whole pipeline, in batches of at most 5,000 lines as a real
/// source hands them over; returns the finished records and the pipeline. Without
/// `records`, the pipeline has no message sink (as `replay` without `--messages`): no records.
func runPipeline(_ lines: [String], year: Int = 2026, settings: FlowSettings = FlowSettings(),
                 detection: DetectionSettings = DetectionSettings(),
                 records: Bool = true) -> (records: [MessageRecord], pipeline: Pipeline) {
    let symbols = SymbolTable()
    final class Collector: @unchecked Sendable { var records: [MessageRecord] = [] }
    let collector = Collector()
    let pipeline = Pipeline(symbols: symbols, rules: shippedRules, flow: settings, detection: detection,
                            messageSink: records ? { collector.records += $0 } : nil)
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(year)))
    var framer = LineFramer()
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    var start = 0
    while start < lines.count {
        let chunk = lines[start..<min(lines.count, start + 5000)]
        start += chunk.count
        let text = chunk.joined(separator: "\n") + "\n"
        for framed in text.utf8.withContiguousStorageIfAvailable({ framer.append(UnsafeRawBufferPointer($0)) }) ?? [] {
            parser.parse(framed, into: &batch, malformed: &malformed)
            try! pipeline.process(batch)
        }
    }
    let last = framer.takeLines(atEnd: true)
    if !last.lines.isEmpty {
        parser.parse(last, into: &batch, malformed: &malformed)
        try! pipeline.process(batch)
    }
    _ = try! pipeline.finish()
    precondition(malformed.total == 0, "test lines must parse")
    return (collector.records, pipeline)
}

/// Replays `log` (year 2026, the shipped pack) with the options `configure` sets, writing the
/// messages to `messagesName` in `directory`; returns the report as JSON (its elapsed time fixed,
/// so two runs compare byte for byte) and the messages file.
func replayReportAndMessages(_ log: String, directory: URL, messagesName: String,
                             _ configure: (inout ReplayOptions) -> Void) throws -> (report: String, messages: Data) {
    var options = ReplayOptions()
    options.paths = [log]
    options.year = 2026
    options.rules = shippedRules
    configure(&options)
    let messages = directory.appendingPathComponent(messagesName).path
    options.messagesPath = messages
    var result = try Replay(options: options).run()
    result.elapsedSeconds = 1
    return (ReplayReport(result: result, timeZoneName: "UTC").json().rendered(),
            try Data(contentsOf: URL(fileURLWithPath: messages)))
}

/// The package's root, for fixtures in ../shared.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A corpus file from ../shared/corpus, decompressed when it is .xz.
func corpusText(_ relative: String) throws -> String {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/\(relative)")
    guard url.pathExtension == "xz" else { return try String(contentsOf: url, encoding: .utf8) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
    process.arguments = ["-dc", url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
