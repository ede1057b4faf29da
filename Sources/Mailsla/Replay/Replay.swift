import Foundation
import MailslaCore
import MailslaInput
import MailslaJournal
import MailslaRules
import MailslaSLA

/// Reads archived inputs in order through one pipeline: text files (plain or
/// gzip), standard input, journal files and directories.
///
/// A failing input is reported in the result and the run goes on; the lines
/// read before a failure (a truncated `.gz`) still count.
public struct Replay {
    public let options: ReplayOptions

    public init(options: ReplayOptions) { self.options = options }

    /// Runs the replay. Throws when the events output cannot be written.
    public func run() throws -> ReplayResult {
        let started = DispatchTime.now()
        let symbols = SymbolTable()
        let events = try options.eventsPath.map { EventWriter(output: try OutputFile(path: $0), symbols: symbols) }
        let messages = try options.messagesPath.map { MessageRecordWriter(output: try OutputFile(path: $0)) }
        let pipeline = Pipeline(symbols: symbols, rules: options.rules, flow: options.flow, detection: options.detection,
                                classifyOnly: options.classifyOnly, events: events,
                                messageSink: messages.map { writer in { try writer.write($0) } })
        if options.concurrentFlow { pipeline.runFlowConcurrently() }
        pipeline.configureClassifier { classifier in
            classifier.timing = options.ruleTiming
            if let limit = options.unmatchedShapeLimit { classifier.collectUnmatchedShapes(limit: limit) }
        }
        if options.classifyOnly && options.classifyThreads > 1 { pipeline.classifyConcurrently(threads: options.classifyThreads) }
        var errors: [InputError] = []
        var sources: [String] = []

        let (inputs, missing) = InputPaths.resolve(options.paths)
        for path in missing {
            errors.append(InputError(.noMatch, path: path, reason: "no such file, directory or glob match"))
            pipeline.sourceFailed()
        }
        var years = YearTracker(.firstLineYear(options.year ?? 1970))
        for input in inputs {
            do {
                let text = try TextInput.open(input)
                sources.append(text.name)
                if options.year == nil {
                    years.reanchor(Self.anchor(modificationTime: text.modificationTime, zone: options.timeZone))
                }
                try replayText(text, pipeline: pipeline, years: &years)
            } catch let error as InputError {
                errors.append(error)
                pipeline.sourceFailed()
            }
        }
        for path in options.journalFiles {
            sources.append(path)
            errors += try replayJournal(.files([path]), pipeline: pipeline, symbols: symbols)
        }
        for path in options.journalDirectories {
            sources.append(path)
            errors += try replayJournal(.directory(path), pipeline: pipeline, symbols: symbols)
        }
        let invalid = try pipeline.finish()
        try messages?.flush()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var result = pipeline.result(sources: sources, errors: errors, elapsedSeconds: elapsed)
        let probeData = readProbes(into: &result)
        Agreement(policy: options.sla, period: options.period, timeZone: options.timeZone)
            .evaluate(probeData, into: &result)
        result.invalidUTF8Values = invalid
        return result
    }

    /// Reads the probe files; nil when none were given. Unreadable files are reported in the result.
    private func readProbes(into result: inout ReplayResult) -> ProbeData? {
        guard !options.probePaths.isEmpty else { return nil }
        var reader = ProbeReader()
        for path in options.probePaths {
            do {
                let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                    : try Data(contentsOf: URL(fileURLWithPath: path))
                reader.read(data, source: path)
                result.sources.append(path)
            } catch {
                result.errors.append(InputError(.unreadable, path: path, reason: "cannot read probe results: \(error.localizedDescription)"))
                result.counters.failedSources += 1
            }
        }
        return reader.finish()
    }

    /// The year anchor for a file whose last line was written near its modification time.
    static func anchor(modificationTime: Int?, zone: TimeZone) -> YearTracker.Anchor {
        let date = modificationTime.map { Date(timeIntervalSince1970: Double($0)) } ?? Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: date)
        return .endsNear(year: parts.year!, month: parts.month!)
    }

    private func replayText(_ text: TextInput, pipeline: Pipeline, years: inout YearTracker) throws {
        // One thread runs every stage on a batch back to back: a half-size batch (bytes, records, events)
        // stays in the core's L2 between them. Threads handing batches on do better with whole MiBs.
        let blockSize = options.readBlockSize
            ?? (pipeline.runsOnOneThread ? LineFramer.oneThreadBlockSize : LineFramer.defaultBlockSize)
        var reader = LineReader(text, framer: LineFramer(maxLineLength: options.maxLineLength, blockSize: blockSize))
        var parser = SyslogParser(symbols: pipeline.symbols,
                                  options: ParseOptions(timeZone: options.timeZone, program: options.program),
                                  years: years)
        var malformed = MalformedCounts()
        var batch = RecordBatch()
        while let lines = reader.next() {
            if !lines.lines.isEmpty {
                parser.parse(lines, into: &batch, malformed: &malformed)
                try pipeline.process(batch)
            }
        }
        years = parser.years
        pipeline.addFraming(reader.counters, malformed: malformed)
        if let failure = reader.failure { throw failure }
    }

    private func replayJournal(_ location: JournalReader.Location, pipeline: Pipeline,
                               symbols: SymbolTable) throws -> [InputError] {
        var errors: [InputError] = []
        do {
            // A rotated directory is read on lanes (same records, same batches): `ReplayOptions.journalLanes`.
            let reader: any JournalBatchSource
            if case .directory(let path) = location {
                reader = try JournalFileLanes.open(directory: path, matches: options.journalMatches, symbols: symbols,
                                                   maxMessageBytes: options.maxLineLength,
                                                   lanes: options.journalLanes)
            } else {
                reader = try JournalReader(location, matches: options.journalMatches, symbols: symbols,
                                           maxMessageBytes: options.maxLineLength)
            }
            // Files libsystemd leaves out of a directory are named, not silently skipped.
            for rejected in reader.rejectedFiles {
                errors.append(rejected)
                pipeline.sourceFailed()
            }
            var batch = RecordBatch()
            while true {
                batch.bytes.removeAll(keepingCapacity: true)
                batch.records.removeAll(keepingCapacity: true)
                let n = try reader.read(into: &batch, limit: JournalReader.batchLimit)
                if n == 0 { break }
                pipeline.addJournalEntries(n)
                try pipeline.process(batch)
            }
            pipeline.addJournalDrops(withoutMessage: reader.entriesWithoutMessage, cut: reader.messagesCut)
        } catch let error as InputError {
            pipeline.sourceFailed()
            errors.append(error)
        }
        return errors
    }
}
