import Foundation
import MailslaCore
import Testing
@testable import Mailsla
@testable import MailslaCorpus

/// The flow half on a second thread must give exactly what the single-thread
/// pipeline gives: same message records (byte for byte), same flow, episodes,
/// mail-flow tests and SLA figures. Also the test to run under
/// `swift test --sanitize=thread` for the hand-off between the threads.
@Suite("Pipeline concurrency")
struct PipelineConcurrencyTests {
    /// Replays one generated corpus with attacks and probes; returns the report as JSON and the messages file.
    static func replay(_ log: String, probes: String, concurrent: Bool, directory: URL) throws -> (report: String, messages: Data) {
        try replayReportAndMessages(log, directory: directory, messagesName: concurrent ? "messages-2.jsonl" : "messages-1.jsonl") {
            $0.probePaths = [probes]
            $0.concurrentFlow = concurrent
        }
    }

    @Test("a second thread for the flow half changes no figure, record or episode")
    func concurrentEqualsSequential() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-concurrency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var corpus = CorpusOptions(seed: 5, lines: 60_000, days: 3)
        corpus.scenarios = ScenarioOptions(attacks: [AttackSpec(kind: .connFlood), AttackSpec(kind: .authFast), AttackSpec(kind: .mailbomb)],
                                           probes: ProbeOptions())
        let log = directory.appendingPathComponent("mail.log").path
        let truth = try CorpusWriter(options: corpus).write(to: .file(log))
        let probes = directory.appendingPathComponent("probes.jsonl").path
        try Data(try ProbeWriter(options: corpus).bytes(format: .jsonLines)).write(to: URL(fileURLWithPath: probes))

        let sequential = try Self.replay(log, probes: probes, concurrent: false, directory: directory)
        let concurrent = try Self.replay(log, probes: probes, concurrent: true, directory: directory)
        #expect(concurrent.report == sequential.report)
        #expect(concurrent.messages == sequential.messages)
        // Not vacuous: the run followed messages and found the injected attacks.
        let lines = sequential.messages.split(separator: UInt8(ascii: "\n")).count
        #expect(lines > 1000, "\(lines) message records")
        let report = try JSONSerialization.jsonObject(with: Data(sequential.report.utf8)) as? [String: Any]
        let episodes = report?["episodes"] as? [Any] ?? []
        #expect(episodes.count >= (truth.attacks ?? []).count && episodes.count >= 3, "\(episodes.count) episodes")
    }

    /// A classify-only replay of `log` on `threads` classifying threads: the report as JSON and the events file.
    static func classifyOnly(_ log: String, threads: Int, directory: URL) throws -> (report: String, events: Data, classified: Int) {
        var options = ReplayOptions()
        options.paths = [log]
        options.year = 2026
        options.rules = shippedRules
        options.classifyOnly = true
        options.classifyThreads = threads
        let events = directory.appendingPathComponent("events-\(threads).jsonl").path
        options.eventsPath = events
        var result = try Replay(options: options).run()
        result.elapsedSeconds = 1
        return (ReplayReport(result: result, timeZoneName: "UTC").json().rendered(),
                try Data(contentsOf: URL(fileURLWithPath: events)), result.classification?.counters.classified ?? 0)
    }

    @Test("classify-only on two classifying threads writes the same events and counts as on one")
    func classifyLanesEqualSequential() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-lanes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("mail.log").path
        _ = try CorpusWriter(options: CorpusOptions(seed: 7, lines: 120_000, days: 2)).write(to: .file(log))

        let one = try Self.classifyOnly(log, threads: 1, directory: directory)
        let two = try Self.classifyOnly(log, threads: 2, directory: directory)
        let three = try Self.classifyOnly(log, threads: 3, directory: directory)
        #expect(two.events == one.events)
        #expect(two.report == one.report)
        #expect(three.events == one.events)
        #expect(three.report == one.report)
        // Not vacuous: many batches went through the lanes, and most lines matched a rule.
        #expect(one.events.split(separator: UInt8(ascii: "\n")).count > 100_000)
        #expect(one.classified > 100_000, "\(one.classified) classified")
        #expect(two.classified == one.classified)
    }

    @Test("--threads 1 reads a rotated journal directory on one reader; two threads on two lanes")
    func journalLanesFollowTheThreads() {
        var options = ReplayOptions()
        options.concurrentFlow = false
        #expect(options.journalLanes == 1)
        options.concurrentFlow = true
        #expect(options.journalLanes == min(2, ProcessInfo.processInfo.activeProcessorCount))
    }

    @Test("an error in the flow thread's sink reaches the caller")
    func sinkErrorIsRethrown() throws {
        struct SinkFailed: Error {}
        let symbols = SymbolTable()
        let pipeline = Pipeline(symbols: symbols, rules: shippedRules, messageSink: { _ in throw SinkFailed() })
        pipeline.runFlowConcurrently(queueDepth: 1)
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var framer = LineFramer()
        var batch = RecordBatch()
        var malformed = MalformedCounts()
        let text = try corpusText("pixelpark-postfix-logsums/test/mail-2023-03-14.log.xz")
        var thrown = false
        for framed in Array(text.utf8).withUnsafeBytes({ framer.append($0) }) {
            parser.parse(framed, into: &batch, malformed: &malformed)
            do { try pipeline.process(batch) } catch is SinkFailed { thrown = true; break }
        }
        if !thrown { #expect(throws: SinkFailed.self) { _ = try pipeline.finish() } }
    }
}
