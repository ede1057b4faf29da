// mailsla-bench: in-process throughput of each input stage, on files made by
// `mailsla generate` (see scripts/bench, which also times whole processes).
//
//   mailsla-bench [--runs N] [--tsv] [--year Y] [--stages a,b,…] [--log FILE] [--gzip FILE.gz] [--journal-dir DIR]
//                 [--generate-lines N] [--snapshot-out FILE] [--journal-lanes N]
//
// Each stage reads its input once to warm the page cache, then runs N times;
// the medians of wall time and of this thread's CPU time are reported (rates use
// CPU time, which a busy shared machine disturbs far less). Release builds only.
// The rule pack is compiled once, before any timing: stages measure work per line, and the
// pack's start-up is part of the whole-process figures of scripts/bench.
// The journal stages read a rotated directory on `--journal-lanes` threads (default 2, as
// replay does; 1 = one libsystemd reader): their CPU is the whole process's, and their rows
// also give the rate by wall time, which is what the lanes are for.

import Foundation
import Mailsla
import MailslaCore
import MailslaCorpus
import MailslaInput
import MailslaJournal
import MailslaRules

struct Arguments {
    var runs = 5
    var tsv = false
    var year = 2026
    var log: String?
    var gzip: String?
    var journalDirectory: String?
    var journalLanes = 2
    var generateLines = 1_000_000
    var stages: [String]?
    var rules = "rules"
    /// The snapshot stage writes the pipeline's snapshot here: base and new binaries must give the same bytes.
    var snapshotOut: String?

    init(_ argv: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < argv.count else { fail("\(argv[i - 1]) needs a value") }
            return argv[i]
        }
        while i < argv.count {
            switch argv[i] {
            case "--runs": runs = Int(value()) ?? { fail("--runs needs a number") }()
            case "--tsv": tsv = true
            case "--year": year = Int(value()) ?? { fail("--year needs a number") }()
            case "--log": log = value()
            case "--gzip": gzip = value()
            case "--journal-dir": journalDirectory = value()
            case "--journal-lanes": journalLanes = Int(value()) ?? { fail("--journal-lanes needs a number") }()
            case "--generate-lines": generateLines = Int(value()) ?? { fail("--generate-lines needs a number") }()
            case "--stages": stages = value().split(separator: ",").map(String.init)
            case "--rules": rules = value()
            case "--snapshot-out": snapshotOut = value()
            case "-h", "--help":
                print("usage: mailsla-bench [--runs N] [--tsv] [--year Y] [--stages a,b] [--log FILE] [--gzip FILE.gz] [--journal-dir DIR] [--generate-lines N] [--snapshot-out FILE] [--journal-lanes N]")
                print("stages: \(Stage.allCases.map(\.rawValue).joined(separator: ","))")
                exit(0)
            default: fail("unknown argument \(argv[i]) (try --help)")
            }
            i += 1
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mailsla-bench: \(message)\n".utf8))
    exit(2)
}

/// What one run of a stage did.
struct Work {
    var lines = 0
    var bytes = 0
}

enum Stage: String, CaseIterable {
    /// read(2) in one-thread blocks (512 KiB) into a buffer, nothing else: the floor of reading
    /// through a buffer (the stages below frame a plain file in place in its mapping, `LineReader`).
    case read
    /// + LineFramer: memchr line splitting into batches.
    case frame
    /// + SyslogParser: header fields, timestamps, interning.
    case parse = "frame+parse"
    /// + InputCounters: what `replay --no-rules` does per record.
    case count = "frame+parse+count"
    /// + Classifier with the shipped pack: program dispatch and PCRE2 JIT.
    case classify = "frame+parse+classify"
    /// + FlowCorrelator: messages across the filter hop.
    case correlate = "+correlate"
    /// The whole Pipeline (count, classify, correlate, mailflow, detect): what `replay` runs per batch.
    case pipeline = "+detect (pipeline)"
    /// gzip input: read + inflate + frame + parse.
    case gzip = "gzip+frame+parse"
    /// JournalReader over a journal directory: entries into record batches.
    case journal
    /// + InputCounters.
    case journalCount = "journal+count"
    /// The corpus generator: lines built in memory (no I/O).
    case generate
    /// The pipeline's snapshot at the end of the log (before `finish`, as a checkpoint sees it):
    /// its size, and the medians of encoding it and of restoring it into a fresh pipeline.
    case snapshot
    /// The shipped pack against 64 KiB hostile lines (`rules bench`'s check): the worst line's cost.
    case pathological
    /// Loading and compiling the rule pack (`RuleSet(directory:)`): what every classifying command
    /// pays before its first line. Its CPU is the whole process's (the load may use both cores).
    case rulesLoad = "rules-load"

    var input: String {
        switch self {
        case .read, .frame, .parse, .count, .classify, .correlate, .pipeline, .snapshot: "log"
        case .gzip: "gzip"
        case .journal, .journalCount: "journal"
        case .generate, .pathological, .rulesLoad: "none"
        }
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time of this thread: what a stage costs on one core, whatever else the machine is doing.
/// With `wholeProcess`, of every thread (the journal stages' lanes).
func cpuNow(wholeProcess: Bool = false) -> UInt64 {
    var t = timespec()
    clock_gettime(wholeProcess ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// The shipped pack, compiled on first use (outside every timed run: see the warm-up in the main loop).
nonisolated(unsafe) var compiledRules: RuleSet?
func compiledPack(_ args: Arguments) throws -> RuleSet {
    if let compiledRules { return compiledRules }
    let rules = try RuleSet(directory: args.rules)
    compiledRules = rules
    return rules
}

func run(_ stage: Stage, _ args: Arguments) throws -> Work {
    switch stage {
    case .read:
        let stream = try FileByteStream(path: args.log!)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: LineFramer.oneThreadBlockSize, alignment: 64)
        defer { buffer.deallocate() }
        var work = Work()
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { break }
            work.bytes += n
        }
        return work
    case .snapshot:
        fail("the snapshot stage is measured by measureSnapshot")
    case .pathological:
        fail("the pathological stage is measured by measurePathological")
    case .rulesLoad:
        let rules = try RuleSet(directory: args.rules)
        precondition(!rules.rules.isEmpty)
        return Work()
    case .classify, .correlate, .pipeline:
        // One thread runs every stage, as `replay --threads 1` does: it reads the one-thread block.
        var reader = LineReader(try TextInput.open(.file(args.log!)), framer: LineFramer(blockSize: LineFramer.oneThreadBlockSize))
        let symbols = SymbolTable()
        let rules = try compiledPack(args)
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(args.year)))
        var classifier = Classifier(rules: rules, symbols: symbols)
        let correlator = FlowCorrelator(rules: rules, symbols: symbols)
        let pipeline = Pipeline(symbols: symbols, rules: rules)
        var malformed = MalformedCounts()
        var batch = RecordBatch()
        var events = EventBatch()
        var work = Work()
        while let lines = reader.next() {
            work.lines += lines.lines.count
            if !lines.lines.isEmpty {
                parser.parse(lines, into: &batch, malformed: &malformed)
                switch stage {
                case .pipeline:
                    try pipeline.process(batch)
                case .correlate:
                    classifier.classify(batch, into: &events)
                    correlator.consume(batch, events)
                    _ = correlator.drain()
                    _ = correlator.drainLost()
                default:
                    classifier.classify(batch, into: &events)
                }
            }
        }
        if let failure = reader.failure { throw failure }
        if stage == .pipeline { _ = try pipeline.finish() }
        if stage == .correlate { correlator.finish() }
        work.bytes = reader.counters.bytes
        return work
    case .frame, .parse, .count, .gzip:
        let path = stage == .gzip ? args.gzip! : args.log!
        var reader = LineReader(try TextInput.open(.file(path)), framer: LineFramer(blockSize: LineFramer.oneThreadBlockSize))
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(args.year)))
        var malformed = MalformedCounts()
        var batch = RecordBatch()
        var counters = InputCounters()
        var work = Work()
        while let lines = reader.next() {
            work.lines += lines.lines.count
            if stage != .frame, !lines.lines.isEmpty {
                parser.parse(lines, into: &batch, malformed: &malformed)
                if stage == .count { counters.count(batch) }
            }
        }
        if let failure = reader.failure { throw failure }
        work.bytes = reader.counters.bytes
        if malformed.total > 0 { fail("\(malformed.total) malformed lines in \(path): is it a generated corpus?") }
        return work
    case .journal, .journalCount:
        let symbols = SymbolTable()
        let reader = try JournalFileLanes.open(directory: args.journalDirectory!, symbols: symbols, lanes: args.journalLanes)
        var batch = RecordBatch()
        var counters = InputCounters()
        var work = Work()
        while true {
            batch.bytes.removeAll(keepingCapacity: true)
            batch.records.removeAll(keepingCapacity: true)
            let n = try reader.read(into: &batch, limit: JournalReader.batchLimit)
            if n == 0 { break }
            work.lines += n
            work.bytes += batch.bytes.count
            if stage == .journalCount { counters.count(batch) }
        }
        return work
    case .generate:
        var simulator = try MailSimulator(options: CorpusOptions(seed: 1, lines: args.generateLines, days: 30))
        var formatter = CorpusLineFormatter(format: .rfc3164, seed: 1, start: CorpusOptions.defaultStart)
        var out = ByteWriter(capacity: 1 << 21)
        var work = Work()
        while let line = simulator.next() {
            formatter.write(line, from: simulator, into: &out)
            work.lines += 1
            if out.count >= 1 << 20 {
                work.bytes += out.count
                out.removeAll()
            }
        }
        work.bytes += out.count
        return work
    }
}

/// Replays the log through a pipeline, then times `snapshot()` and `restore()` (into a fresh pipeline) `runs` times.
func measureSnapshot(_ args: Arguments) throws {
    var reader = LineReader(try TextInput.open(.file(args.log!)), framer: LineFramer(blockSize: LineFramer.oneThreadBlockSize))
    let rules = try RuleSet(directory: args.rules)
    let pipeline = Pipeline(symbols: SymbolTable(), rules: rules)
    var parser = SyslogParser(symbols: pipeline.symbols, years: YearTracker(.firstLineYear(args.year)))
    var malformed = MalformedCounts()
    var batch = RecordBatch()
    while let lines = reader.next() {
        if !lines.lines.isEmpty {
            parser.parse(lines, into: &batch, malformed: &malformed)
            try pipeline.process(batch)
        }
    }
    if let failure = reader.failure { throw failure }
    var bytes = pipeline.snapshot()
    if let path = args.snapshotOut { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    var encode: [Double] = [], encodeCPU: [Double] = [], decode: [Double] = [], decodeCPU: [Double] = []
    for _ in 0..<max(1, args.runs) {
        var start = now(), cpuStart = cpuNow()
        bytes = pipeline.snapshot()
        encodeCPU.append(Double(cpuNow() - cpuStart) / 1e9)
        encode.append(Double(now() - start) / 1e9)
        let fresh = Pipeline(symbols: SymbolTable(), rules: rules)
        start = now()
        cpuStart = cpuNow()
        try fresh.restore(bytes)
        decodeCPU.append(Double(cpuNow() - cpuStart) / 1e9)
        decode.append(Double(now() - start) / 1e9)
    }
    let open = pipeline.correlator?.openMessages ?? 0
    let keys = pipeline.detectors?.stats.keys ?? 0
    if args.tsv {
        print("snapshot-encode\t\(reader.counters.lines)\t\(bytes.count)\t\(median(encode))\t\(median(encodeCPU))")
        print("snapshot-restore\t\(reader.counters.lines)\t\(bytes.count)\t\(median(decode))\t\(median(decodeCPU))")
    } else {
        print("snapshot".padding(toLength: 20, withPad: " ", startingAt: 0)
              + String(format: " after %d lines: %.2f MB (%d open messages, %d detector keys, %d symbols)  "
                       + "encode wall %.4f s cpu %.4f s  restore wall %.4f s cpu %.4f s",
                       reader.counters.lines, Double(bytes.count) / 1e6, open, keys, pipeline.symbols.count,
                       median(encode), median(encodeCPU), median(decode), median(decodeCPU)))
        let document = try SnapshotDocument(bytes)
        print("  sections: " + document.sectionNames.map { "\($0) \(document.section($0)!.remaining) B" }.joined(separator: ", "))
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Runs the pack's pathological-line checks (each line through one rule, and through every
/// rule of its program as replay does) and prints the slowest line of each, in milliseconds.
func measurePathological(_ args: Arguments) throws {
    let rules = try RuleSet(directory: args.rules)
    let perRule = PathologicalCheck.run(rules: rules)
    let perLine = PathologicalLines.run(rules: rules)
    let worstRule = perRule.max { $0.nanoseconds < $1.nanoseconds }
    let worstLine = perLine.worst
    if args.tsv {
        // No lines: the table shows the worst line's seconds in the time columns, no rate.
        let rule = Double(worstRule?.nanoseconds ?? 0) / 1e9, line = Double(worstLine?.nanoseconds ?? 0) / 1e9
        print("pathological-worst-rule\t0\t0\t\(rule)\t\(rule)")
        print("pathological-worst-line\t0\t0\t\(line)\t\(line)")
    } else {
        print(String(format: "pathological (rule)  worst %.3f ms  ", Double(worstRule?.nanoseconds ?? 0) / 1e6)
              + "\(worstRule?.id ?? "-") on \(worstRule?.worstSubject ?? "-")")
        print(String(format: "pathological (line)  worst %.3f ms  ", Double(worstLine?.nanoseconds ?? 0) / 1e6)
              + "\(worstLine?.rule ?? "-") on \(worstLine?.program ?? "-") \(worstLine?.shape ?? "-"); "
              + "\(perLine.overTarget) of \(perLine.lines) lines over 1 ms, \(perLine.limitHits) limit hits")
    }
}

let args = Arguments(CommandLine.arguments)
var stages = Stage.allCases.filter { stage in
    switch stage.input {
    case "log": args.log != nil
    case "gzip": args.gzip != nil
    case "journal": args.journalDirectory != nil
    default: true
    }
}
if let chosen = args.stages {
    for name in chosen where Stage(rawValue: name) == nil { fail("unknown stage \(name)") }
    stages = stages.filter { chosen.contains($0.rawValue) }
}
if args.tsv { print("stage\tlines\tbytes\twall_s\tcpu_s") }
for stage in stages {
    do {
        if stage == .snapshot {
            try measureSnapshot(args)
            continue
        }
        if stage == .pathological {
            try measurePathological(args)
            continue
        }
        var work = try run(stage, args)  // warm-up: page cache, symbol tables, allocator
        var seconds: [Double] = []
        var cpuSeconds: [Double] = []
        let lanes = stage.input == "journal" || stage == .rulesLoad
        for _ in 0..<args.runs {
            let start = now()
            let cpuStart = cpuNow(wholeProcess: lanes)
            work = try run(stage, args)
            cpuSeconds.append(Double(cpuNow(wholeProcess: lanes) - cpuStart) / 1e9)
            seconds.append(Double(now() - start) / 1e9)
        }
        if stage == .read { work.lines = 0 }
        let wall = median(seconds)
        let cpu = median(cpuSeconds)
        if args.tsv {
            print("\(stage.rawValue)\t\(work.lines)\t\(work.bytes)\t\(wall)\t\(cpu)")
        } else {
            let rate = work.lines > 0 ? String(format: "%8.2f M lines/s", Double(work.lines) / cpu / 1e6) : "        -         "
            let name = stage.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            print(name + String(format: " %10d lines %8.1f MB  wall %8.4f s  cpu %8.4f s  ", work.lines,
                                Double(work.bytes) / 1e6, wall, cpu)
                  + rate + String(format: "  %8.0f MB/s (cpu)", Double(work.bytes) / cpu / 1e6)
                  + (lanes ? String(format: "  %.3f M lines/s (wall)", Double(work.lines) / wall / 1e6) : ""))
        }
    } catch {
        fail("\(stage.rawValue): \(error)")
    }
}
