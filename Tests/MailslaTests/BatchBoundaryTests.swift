import Foundation
import MailslaCore
import Testing
@testable import Mailsla
@testable import MailslaCorpus

/// Where batches end is an accident of the input: the read block size, gzip's output chunks,
/// a journal's batch limit, a live source's timing. No figure, record or record order may
/// depend on it (the flow used to sweep once per batch, so the hourly deferred-queue sizes and
/// the order of message records moved with the block size).
@Suite("Batch boundaries")
struct BatchBoundaryTests {
    /// Replays `log` reading `blockSize` bytes at a time; the report as JSON and the messages file.
    static func replay(_ log: String, blockSize: Int, directory: URL) throws -> (report: String, messages: Data) {
        try replayReportAndMessages(log, directory: directory, messagesName: "messages-\(blockSize).jsonl") {
            $0.concurrentFlow = false
            $0.readBlockSize = blockSize
        }
    }

    @Test("the read block size changes no figure, no message record and not their order")
    func blockSizeChangesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-blocks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("mail.log").path
        var corpus = CorpusOptions(seed: 11, lines: 80_000, days: 2)
        corpus.scenarios = ScenarioOptions(attacks: [AttackSpec(kind: .connFlood), AttackSpec(kind: .authFast), AttackSpec(kind: .mailbomb)])
        _ = try CorpusWriter(options: corpus).write(to: .file(log))

        let large = try Self.replay(log, blockSize: 1 << 20, directory: directory)
        for blockSize in [4096, 100_000] {
            let other = try Self.replay(log, blockSize: blockSize, directory: directory)
            #expect(other.report == large.report, "blocks of \(blockSize) bytes")
            #expect(other.messages == large.messages, "blocks of \(blockSize) bytes")
        }
        // Not vacuous: the hours record a deferred queue that is not always empty (the figure that
        // moved with the batches), many messages were written, and the attacks were found.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(large.report.utf8)) as? [String: Any])
        let queues = Self.values(of: "deferred_queue", in: report)
        #expect(queues.count > 24 && queues.contains { $0 > 0 }, "\(queues)")
        #expect(large.messages.split(separator: UInt8(ascii: "\n")).count > 2000)
        #expect((report["episodes"] as? [Any] ?? []).count >= 3, "the injected attacks were found")
    }

    /// Every integer under `key` anywhere in `json`.
    static func values(of key: String, in json: Any) -> [Int] {
        if let object = json as? [String: Any] {
            return object.flatMap { name, value in
                name == key ? [(value as? Int)].compactMap { $0 } : values(of: key, in: value)
            }
        }
        if let array = json as? [Any] { return array.flatMap { values(of: key, in: $0) } }
        return []
    }
}
