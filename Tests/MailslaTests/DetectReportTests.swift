import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectReportTests {
    /// Built: one flood and one brute force, replayed from a file like `mailsla replay` does.
    private func replayed() throws -> ReplayResult {
        var log = BuiltLog()
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 0), to: BuiltLog.at(10, 5), every: 2)
        for i in 0..<20 {
            log.add(BuiltLog.at(11, 0) + Int64(i),
                    "mx1 postfix/smtpd[1]: warning: unknown[198.51.100.9]: SASL LOGIN authentication failed: authentication failure, sasl_username=root")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("detect-report-\(UUID().uuidString).log")
        try (log.lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var options = ReplayOptions()
        options.paths = [url.path]
        options.year = 2026
        options.rules = shippedRules
        return try Replay(options: options).run()
    }

    @Test func theJSONReportCarriesTheContractKeys() throws {
        let result = try replayed()
        let found = try #require(result.episodes)
        #expect(found.episodes.map(\.kind) == [.connFlood, .authBruteforce])
        let text = ReplayReport(result: result, timeZoneName: "UTC").json().rendered()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let episodes = try #require(document["episodes"] as? [[String: Any]])
        #expect(episodes.count == 2)
        let first = episodes[0]
        for key in ["id", "kind", "host", "start", "end", "top_offenders", "evidence"] {
            #expect(first[key] != nil, "\(key)")
        }
        #expect(first["id"] as? String == "E1")
        #expect(first["kind"] as? String == "conn_flood")
        #expect(first["start"] as? String == "2026-03-14T10:00:00Z")
        let offenders = try #require(first["top_offenders"] as? [[String: Any]])
        #expect(offenders.first?["key"] as? String == "203.0.113.7")
        #expect(offenders.first?["count"] as? Int == 151 * 4)
        #expect((first["evidence"] as? [String: Int])?["attack.pregreet"] == 151)
        #expect((document["detection"] as? [String: Any])?["evicted_keys"] as? Int == 0)
        // The contract's order: episodes after flow.
        let keys = ["\"flow\"", "\"episodes\""].map { text.range(of: $0)!.lowerBound }
        #expect(keys[0] < keys[1])
    }

    @Test func episodesAsJSONLines() throws {
        let found = try #require(try replayed().episodes)
        let lines = EpisodesReportSection(result: found).jsonLines().split(separator: "\n")
        #expect(lines.count == 2)
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["id"] as? String == "E\(i + 1)")
            #expect(object["minutes"] is [[String: Any]])
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("episodes-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try EpisodesReportSection(result: found).writeLines(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == EpisodesReportSection(result: found).jsonLines())
    }

    @Test func textSummaryAndExplanation() throws {
        let result = try replayed()
        let text = ReplayReport(result: result, timeZoneName: "UTC").text()
        #expect(text.contains("attacks\n  E1   conn_flood          mx1  2026-03-14T10:00:00Z … 2026-03-14T10:05:01Z (6 min)  by 203.0.113.7 604"))
        #expect(text.contains("  E2   auth_bruteforce     mx1  2026-03-14T11:00:00Z … 2026-03-14T11:00:19Z (1 min)  by 198.51.100.9 20  evidence auth.failure 20\n"))
        let section = EpisodesReportSection(result: try #require(result.episodes))
        let explained = try #require(section.explain("E1"))
        #expect(explained.contains("opened: client 203.0.113.7 reached 60 events in 60 s (opens at 60)"))
        #expect(explained.contains("closed: quiet for 300 s after the last evidence"))
        #expect(explained.contains("2026-03-14T10:00:00Z     120 "))
        #expect(section.explain("E9") == nil)
        #expect(EpisodesReportSection(result: DetectionResult(episodes: [], stats: DetectionStats())).text() == "attacks\n  none detected\n")
    }
}
