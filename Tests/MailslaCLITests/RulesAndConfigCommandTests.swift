import Foundation
import Testing

/// The rule author's and the operator's small commands, run as the built binary.
@Suite(.serialized) struct RulesAndConfigCommandTests {
    @Test func rulesTestPassesOnTheShippedPackAndFailsOnABrokenOne() throws {
        let ok = try BinaryRunner.run(["rules", "test"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("rules test: ok: "))

        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["taxonomy.yaml", "fragments.yaml", "postfix-smtpd.yaml"] {
            try FileManager.default.copyItem(at: BinaryRunner.packageRoot.appendingPathComponent("rules/\(name)"),
                                             to: dir.appendingPathComponent(name))
        }
        let smtpd = dir.appendingPathComponent("postfix-smtpd.yaml")
        let text = try String(contentsOf: smtpd, encoding: .utf8)
        try text.replacingOccurrences(of: "event: smtp.connect", with: "event: smtp.nonsense")
            .write(to: smtpd, atomically: true, encoding: .utf8)
        let broken = try BinaryRunner.run(["rules", "test", "--rules", dir.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("postfix-smtpd.yaml:"))
        #expect(broken.stderr.contains("unknown event kind 'smtp.nonsense'"))
    }

    /// `rules programs` writes what the build compiles: for the shipped pack, the checked-in file
    /// byte for byte; for a pack of one's own, its own patterns, and none outside the subset.
    @Test func rulesProgramsWritesTheCheckedInFileForTheShippedPack() throws {
        let shipped = try BinaryRunner.run(["rules", "programs", "--rules", BinaryRunner.packageRoot.appendingPathComponent("rules").path,
                                            "--output", "-"])
        #expect(shipped.status == 0, "\(shipped.stderr)")
        let checkedIn = try String(contentsOf: BinaryRunner.packageRoot.appendingPathComponent("Sources/CRulePrograms/RulePrograms.c"),
                                   encoding: .utf8)
        #expect(shipped.stdout == checkedIn)

        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["taxonomy.yaml", "fragments.yaml", "postfix-qmgr.yaml"] {
            try FileManager.default.copyItem(at: BinaryRunner.packageRoot.appendingPathComponent("rules/\(name)"),
                                             to: dir.appendingPathComponent(name))
        }
        let output = dir.appendingPathComponent("programs.c")
        let own = try BinaryRunner.run(["rules", "programs", "--rules", dir.path, "--output", output.path])
        #expect(own.status == 0, "\(own.stderr)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("nrcpt="))           // qmgr's queued line is there
        #expect(!text.contains("message-id="))     // cleanup's is not: its file was left out
        #expect(text.contains("rule_program_count = "))
    }

    @Test func rulesExplainSaysWhichRuleMatchedAndWhatItCaptured() throws {
        let line = "Mar 14 00:00:31 mx1 postfix/smtpd[297535]: connect from host1.example.net[192.0.2.1]"
        let result = try BinaryRunner.run(["rules", "explain", "--json", line, "Mar 14 00:00:31 mx1 postfix/smtpd[1]: hello"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = result.stdout.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.count == 2)
        #expect(objects[0]["rule"] as? String == "postfix.smtpd.connect")
        #expect(objects[0]["event"] as? String == "smtp.connect")
        #expect((objects[0]["fields"] as? [String: String])?["client_ip"] == "192.0.2.1")
        #expect(objects[1]["rule"] is NSNull)
    }

    @Test func configCheckAcceptsTheSampleAndNamesTheLineOfAMistake() throws {
        let good = try BinaryRunner.run(["config", "check", "samples/mailsla.yaml"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("objective  0.995, minimum 0.99, policy incident"))

        let dir = BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try "timezone: UTC\nsla:\n  objectiv: 0.995\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try BinaryRunner.run(["config", "check", bad.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(bad.path):3: unknown key 'objectiv' in sla"))
    }
}
