import Foundation
import MailslaCore
import MailslaRules
@testable import Mailsla

/// What a replay through one or several pipelines showed: everything a user can see.
struct SnapshotReplay: @unchecked Sendable {
    /// Every finished message record, described field by field, in output order.
    var records: [String] = []
    /// The report's JSON after `finish`.
    var report = ""
    /// The pipeline's snapshot after `finish`: every piece of state, byte for byte.
    var final: [UInt8] = []
    /// The snapshots taken at the splits, in order.
    var snapshots: [[UInt8]] = []
    var pipeline: Pipeline!
}

/// Replays `lines` in chunks of `chunk` lines; after each chunk index in `splitAfter` the pipeline is
/// snapshotted and a new pipeline (with a new symbol table and `restoreRules`, default the same rules)
/// is restored from it and carries on, as `mailsla tail` does after a restart. Checks on the way that
/// restore → snapshot gives the same bytes (when the rules are the same).
func replay(_ lines: [Substring], year: Int, chunk: Int = 2000, splitAfter: Set<Int> = [], rules: RuleSet = shippedRules,
            restoreRules: RuleSet? = nil, flow: FlowSettings = FlowSettings(),
            detection: DetectionSettings = DetectionSettings()) throws -> SnapshotReplay {
    final class Collector: @unchecked Sendable { var records: [String] = [] }
    let collector = Collector()
    func makePipeline(_ symbols: SymbolTable, _ rules: RuleSet) -> Pipeline {
        Pipeline(symbols: symbols, rules: rules, flow: flow, detection: detection,
                 messageSink: { collector.records += $0.map { "\($0)" } })
    }
    var out = SnapshotReplay()
    var symbols = SymbolTable()
    var pipeline = makePipeline(symbols, rules)
    var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(year)))
    var framer = LineFramer()
    var malformed = MalformedCounts()
    var batch = RecordBatch()
    var index = 0
    var start = 0
    while start < lines.count {
        let part = lines[start..<min(lines.count, start + chunk)]
        start += part.count
        let text = part.joined(separator: "\n") + "\n"
        for framed in text.utf8.withContiguousStorageIfAvailable({ framer.append(UnsafeRawBufferPointer($0)) }) ?? [] {
            parser.parse(framed, into: &batch, malformed: &malformed)
            try pipeline.process(batch)
        }
        if splitAfter.contains(index), start < lines.count {
            pipeline.addFraming(framer.counters, malformed: malformed)
            framer = LineFramer()
            malformed = MalformedCounts()
            let bytes = pipeline.snapshot()
            out.snapshots.append(bytes)
            symbols = SymbolTable()
            pipeline = makePipeline(symbols, restoreRules ?? rules)
            try pipeline.restore(bytes)
            if restoreRules == nil, pipeline.snapshot() != bytes {
                throw SnapshotError(section: "test", offset: index, "restore → snapshot gave other bytes")
            }
            parser = SyslogParser(symbols: symbols, years: parser.years)
        }
        index += 1
    }
    let last = framer.takeLines(atEnd: true)
    if !last.lines.isEmpty {
        parser.parse(last, into: &batch, malformed: &malformed)
        try pipeline.process(batch)
    }
    pipeline.addFraming(framer.counters, malformed: malformed)
    _ = try pipeline.finish()
    out.records = collector.records
    let result = pipeline.result(sources: ["test"], errors: [], elapsedSeconds: 1)
    out.report = ReplayReport(result: result, timeZoneName: "UTC").json().compact()
    out.final = pipeline.snapshot()
    out.pipeline = pipeline
    return out
}

