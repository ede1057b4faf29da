import Foundation
import Testing

/// mailsla's flow counts next to pflogsumm's (Debian's `pflogsumm`, run on the same file).
///
/// pflogsumm counts delivery *lines*: a message that crosses a content filter is
/// "delivered" twice (once to the filter, once to the mailbox), which its FAQ calls
/// impossible to fix. mailsla counts the hand-off as what it is. So: on a log without a
/// filter the counts agree; on a log with one, mailsla's are pflogsumm's minus the hand-offs.
@Suite(.serialized) struct PflogsummAgreementTests {
    struct Grand { var received = 0, delivered = 0, forwarded = 0, deferred = 0, deferrals = 0, bounced = 0, rejected = 0 }

    /// The "Grand Totals" of pflogsumm's report.
    static func pflogsumm(_ path: String) throws -> Grand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/pflogsumm")
        process.arguments = [path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var g = Grand()
        for line in text.split(separator: "\n").prefix(20) {
            let words = line.split(separator: " ")
            guard words.count >= 2, let n = Int(words[0]) else { continue }
            switch words[1] {
            case "received": g.received = n
            case "delivered": g.delivered = n
            case "forwarded": g.forwarded = n
            case "bounced": g.bounced = n
            case "rejected": g.rejected = n
            case "deferred":
                g.deferred = n
                if let i = words.firstIndex(where: { $0.hasPrefix("(") }) { g.deferrals = Int(words[i].dropFirst()) ?? 0 }
            default: break
            }
        }
        return g
    }

    static func mailslaFlow(_ arguments: [String]) throws -> [String: Any] {
        let result = try BinaryRunner.run(["replay", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        return report["flow"] as! [String: Any]
    }

    @Test func withoutAContentFilterTheCountsAgree() throws {
        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = dir.appendingPathComponent("all.log")
        let gen = try BinaryRunner.run(["generate", "--seed", "3", "--lines", "60000", "--days", "5", "--output", all.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        // The submission host of the generated site has no content filter.
        let lines = try String(contentsOf: all, encoding: .utf8).split(separator: "\n").filter { $0.contains(" smtp1 ") }
        let log = dir.appendingPathComponent("smtp1.log")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let p = try Self.pflogsumm(log.path)
        let flow = try Self.mailslaFlow([log.path, "--year", "2026"])
        let attempts = flow["attempts_by_status"] as! [String: Int]
        #expect(p.received > 100)
        #expect(flow["received"] as? Int == p.received)
        #expect(attempts["sent"] == p.delivered)
        #expect(attempts["bounced"] ?? 0 == p.bounced)
        #expect(attempts["deferred"] ?? 0 == p.deferrals)
        #expect(flow["deferred_once"] as? Int == p.deferred)
        #expect(flow["rejected"] as? Int == p.rejected)
    }

    @Test func withAContentFilterMailslaCountsEachMessageOnce() throws {
        // A real day with amavis (../shared/corpus/pixelpark-postfix-logsums): 75 messages, each delivered twice in pflogsumm's eyes.
        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = BinaryRunner.packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/pixelpark-postfix-logsums/test/mail-2023-03-14.log.xz")
        let log = dir.appendingPathComponent("pixelpark.log")
        let xz = Process()
        xz.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
        xz.arguments = ["-dc", corpus.path]
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        xz.standardOutput = try FileHandle(forWritingTo: log)
        try xz.run()
        xz.waitUntilExit()
        let p = try Self.pflogsumm(log.path)
        let flow = try Self.mailslaFlow([log.path])
        let attempts = flow["attempts_by_status"] as! [String: Int]
        // The day has bytes that are not UTF-8: decode leniently.
        let handoffs = String(decoding: try Data(contentsOf: log), as: UTF8.self).split(separator: "\n")
            .filter { $0.contains("relay=127.0.0.1[127.0.0.1]:1002") && $0.contains("status=sent") }.count
        #expect(handoffs == 75)
        #expect(flow["received"] as? Int == p.received)
        #expect(flow["delivered"] as? Int == 75)
        // pflogsumm lists local(8)'s "forwarded as" apart from deliveries; mailsla records it as the recipient's attempt.
        #expect(p.forwarded == 1)
        #expect((attempts["sent"] ?? 0) == p.delivered - handoffs + p.forwarded,
                "pflogsumm \(p.delivered) minus \(handoffs) hand-offs plus \(p.forwarded) forwarded")
        #expect(flow["rejected"] as? Int == p.rejected)
    }
}
