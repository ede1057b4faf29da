import Foundation
import Testing
import Mailsla
import MailslaCore
@testable import MailslaCorpus

/// `--journal-threads`: a whole replay (rules, flow, episodes) of a generated journal gives the
/// same events, per-message records and report with one reader and with several lanes.
@Suite("Replay of journals on several threads")
struct ReplayJournalThreadsTests {
    @Test func lanesGiveOneReadersReplay() throws {
        let remote = "/lib/systemd/systemd-journal-remote"
        try #require(FileManager.default.isExecutableFile(atPath: remote), "needs systemd-journal-remote (apt-get install systemd-journal-remote)")
        let (bytes, truth) = try CorpusWriter.generate(CorpusOptions(seed: 7, lines: 30_000, days: 2, format: .journalExport))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-lanes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: remote)
        process.arguments = ["--output=\(directory.path)/corpus.journal", "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)

        func replay(threads: Int) throws -> (report: String, events: Data, messages: Data) {
            var options = ReplayOptions()
            options.journalDirectories = [directory.path]
            options.journalThreads = threads
            options.rules = shippedRules
            options.eventsPath = directory.path + "/events-\(threads).jsonl"
            options.messagesPath = directory.path + "/messages-\(threads).jsonl"
            var result = try Replay(options: options).run()
            #expect(result.errors.isEmpty)
            #expect(result.counters.journalEntries == truth.lines)
            result.elapsedSeconds = 0
            return (ReplayReport(result: result, timeZoneName: "UTC").json().rendered(),
                    try Data(contentsOf: URL(fileURLWithPath: options.eventsPath!)),
                    try Data(contentsOf: URL(fileURLWithPath: options.messagesPath!)))
        }
        let one = try replay(threads: 1)
        #expect(one.events.count > 1_000_000 && one.messages.count > 100_000)
        for threads in [2, 3] {
            let lanes = try replay(threads: threads)
            #expect(lanes.report == one.report)
            #expect(lanes.events == one.events)
            #expect(lanes.messages == one.messages)
        }
    }
}
