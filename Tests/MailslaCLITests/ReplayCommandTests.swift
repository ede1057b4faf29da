import Foundation
import Testing
@testable import MailslaCLI

@Suite(.serialized) struct ReplayCommandTests {
    /// Four days of built lines spread over a rotated set: .3.gz (oldest) … the live file.
    private func writeRotatedSet(in dir: URL) throws {
        for (index, day) in [(3, 1), (2, 2), (1, 3), (0, 4)] {
            let name = index == 0 ? "mail.log" : "mail.log.\(index)"
            let text = (0..<10).map { i in
                "Nov  \(day) 10:00:0\(i) mx1 postfix/smtpd[\(100 + i)]: connect from unknown[192.0.2.\(i)]\n"
            }.joined()
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            if index >= 2 { try BinaryRunner.gzip(url) }
        }
    }

    /// README's first command: the samples' text report stays readable. The log-derived mailflow test has hundreds
    /// of no-data gaps on quiet nights; the text sums them in one line that agrees with the JSON's list.
    @Test func theSamplesReportSumsManyNoDataGapsInOneLine() throws {
        let text = try BinaryRunner.run(["replay", "--config", "samples/mailsla.yaml"])
        let json = try BinaryRunner.run(["replay", "--config", "samples/mailsla.yaml", "--format", "json"])
        #expect(text.status == 0 && json.status == 0, "\(text.stderr)\(json.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let services = report["services"] as! [String: [String: Any]]
        let gaps = (services["mailflow"]?["no_data"] as? [Any])?.count ?? 0
        #expect(gaps > 5, "the samples are expected to have many mailflow gaps; found \(gaps)")
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.filter { $0.contains("no data mailflow") }.count == 1)
        #expect(lines.contains { $0.contains("no data mailflow: \(gaps) gaps") }, "\(text.stdout.prefix(3000))")
        #expect(lines.count < 120, "the text report runs to \(lines.count) lines")
    }

    @Test func parsingRefusesNoInputAndBadZones() {
        #expect(throws: (any Error).self) { try ReplayCommand.parse([]) }
        #expect(throws: (any Error).self) { try ReplayCommand.parse(["x.log", "--timezone", "Mars/Base"]) }
        #expect(throws: (any Error).self) { try ReplayCommand.parse(["x.log", "--match", "nonsense"]) }
        #expect(throws: (any Error).self) { try ReplayCommand.parse(["x.log", "--events", "-", "--format", "json"]) }
        #expect((try? ReplayCommand.parse(["x.log", "--year", "2026", "--timezone", "Europe/Berlin"])) != nil)
    }

    @Test func aRotatedSetIsReadOldestFirstWhateverTheArgumentOrder() throws {
        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeRotatedSet(in: dir)
        let paths = ["mail.log", "mail.log.2.gz", "mail.log.1", "mail.log.3.gz"].map { dir.appendingPathComponent($0).path }
        let events = dir.appendingPathComponent("events.jsonl").path
        let result = try BinaryRunner.run(["replay", "--no-rules", "--year", "2026", "--events", events, "--format", "json"] + paths)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let input = report["input"] as! [String: Any]
        #expect(input["sources"] as? [String] == ["mail.log.3.gz", "mail.log.2.gz", "mail.log.1", "mail.log"].map { dir.appendingPathComponent($0).path })
        #expect(input["lines"] as? Int == 40)
        #expect(input["parsed"] as? Int == 40)
        #expect(input["first_time"] as? String == "2026-11-01T10:00:00Z")
        #expect(input["last_time"] as? String == "2026-11-04T10:00:09Z")
        let period = report["period"] as! [String: Any]
        #expect(period["start"] as? String == "2026-11-01T00:00:00Z")
        #expect(period["minutes"] as? Int == 43200)
        let times = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["time"] as! String
        }
        #expect(times.count == 40)
        #expect(times == times.sorted())
    }

    @Test func aTruncatedGzipAndAMissingFileAreReportedAndTheRestStillCounts() throws {
        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = (0..<20000).map { "Nov  1 10:00:00 mx1 postfix/qmgr[7]: line number \($0) with some padding text\n" }.joined()
        let url = dir.appendingPathComponent("mail.log.1")
        try big.write(to: url, atomically: true, encoding: .utf8)
        try BinaryRunner.gzip(url)
        let gz = dir.appendingPathComponent("mail.log.1.gz")
        let data = try Data(contentsOf: gz)
        try data.prefix(data.count / 2).write(to: gz)
        try "Nov  2 10:00:00 mx1 postfix/qmgr[7]: after\n".write(to: dir.appendingPathComponent("mail.log"), atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["replay", "--no-rules", "--year", "2026", dir.path, dir.appendingPathComponent("absent.log").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(gz.path): gzip stream ends inside a member (truncated file) (after "))
        #expect(result.stdout.contains("absent.log: no such file"))
        // Lines inflated before the cut were counted, and the live file after it too.
        let parsed = result.stdout.split(separator: "\n").first { $0.contains("parsed") }.flatMap { $0.split(separator: " ").last }
        let count = Int(parsed.map { $0.replacingOccurrences(of: ",", with: "") } ?? "") ?? 0
        #expect(count > 1000 && count < 20001, "\(result.stdout)")
    }

    @Test func standardInputAndBadBytes() throws {
        var input = Data("Nov  1 10:00:00 mx1 postfix/smtpd[1]: ok \u{00e9}\n".utf8)
        input += Data([0xFF, 0x00, 0x0D, 0x0A])
        input += Data("Nov  1 10:00:01 mx1 postfix/smtpd[1]: bad \u{00e9}".utf8) + Data([0xC3, 0x28, 0x0D, 0x0A])
        let result = try BinaryRunner.run(["replay", "--no-rules", "--year", "2026", "-", "--events", "-"], stdin: input)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains("\"message\":\"bad é\u{FFFD}(\"") == true)
        #expect(result.stderr.contains("malformed   1 (unknown_timestamp 1)"))
        #expect(result.stderr.contains("nul bytes   1 lines"))
        #expect(result.stderr.contains("not UTF-8   1 values"))
    }
}
