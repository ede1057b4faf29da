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

/// Runs log lines through the whole pipeline; returns the finished records and the pipeline.
func runPipeline(_ lines: [String], year: Int = 2026, settings: FlowSettings = FlowSettings())
    -> (records: [MessageRecord], pipeline: Pipeline) {
    let symbols = SymbolTable()
    final class Collector: @unchecked Sendable { var records: [MessageRecord] = [] }
    let collector = Collector()
    let pipeline = Pipeline(symbols: symbols, rules: shippedRules, flow: settings, messageSink: { collector.records += $0 })
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(year)))
    var framer = LineFramer()
    let text = lines.joined(separator: "\n") + "\n"
    var batch = RecordBatch()
    var malformed = MalformedCounts()
    for lines in text.utf8.withContiguousStorageIfAvailable({ framer.append(UnsafeRawBufferPointer($0)) }) ?? [] {
        parser.parse(lines, into: &batch, malformed: &malformed)
        try! pipeline.process(batch)
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
