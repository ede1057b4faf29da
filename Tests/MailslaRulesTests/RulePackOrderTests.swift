import Foundation
import Testing
@testable import MailslaRules

/// The pack is read and compiled on both cores (`concurrentMap`); these check that
/// rules, indices and errors still come in file and rule order, load after load.
@Suite struct RulePackOrderTests {
    /// `files` rule files `fNN.yaml` of `rules` rules each, ids `fNN.rK`, with `edit` applied to one rule's text.
    private func pack(files: Int, rules: Int, edit: (Int, Int, String) -> String = { $2 }) -> [String: String] {
        var pack: [String: String] = [:]
        for f in 0..<files {
            var text = "programs: [\"p\(f)\"]\nrules:\n"
            for r in 0..<rules {
                text += edit(f, r, """
                  - id: f\(f).r\(r)
                    event: smtp.connect
                    pattern: '^line \(f) \(r) from (?<client_ip>\\S+)$'
                    examples:
                      - line: 'Mar 14 00:00:31 mx1 p\(f)[1]: line \(f) \(r) from 192.0.2.1'

                """)
            }
            pack[String(format: "f%02d.yaml", f)] = text
        }
        return pack
    }

    private func errors(_ directory: String) -> [String] {
        do {
            _ = try RuleSet(directory: directory)
            return []
        } catch let error as RulePackErrors {
            return error.errors.map { "\(($0.file as NSString).lastPathComponent):\($0.line ?? 0) \($0.ruleID ?? "-") @\($0.patternOffset ?? -1): \($0.message)" }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func rulesKeepFileAndRuleOrder() throws {
        let directory = writePack(pack(files: 16, rules: 9))
        let expected = (0..<16).flatMap { f in (0..<9).map { "f\(f).r\($0)" } }
        for _ in 0..<5 {
            let set = try RuleSet(directory: directory)
            #expect(set.rules.map(\.id) == expected)
            #expect(set.rules.map(\.fileIndex) == (0..<16).flatMap { Array(repeating: $0, count: 9) })
            #expect(set.ruleIndices(forProgram: "p12") == Array(12 * 9..<13 * 9))
            #expect(RuleVerifier(rules: set).verify().failures.isEmpty)
        }
    }

    @Test func compileErrorsComeFileByFileRuleByRule() {
        let broken = pack(files: 16, rules: 9) { f, r, text in
            switch (f, r) {
            case (3, 2): return text.replacingOccurrences(of: "(?<client_ip>", with: "(?<client_ip>[")
            case (7, 4): return text.replacingOccurrences(of: "id: f7.r4", with: "id: f2.r1")
            case (11, 5): return text.replacingOccurrences(of: "^line", with: "^%{NOPE} line")
            case (15, 8): return text.replacingOccurrences(of: "event: smtp.connect", with: "event: smtp.nope")
            default: return text
            }
        }
        let directory = writePack(broken)
        let expected = [
            "f03.yaml:13 f3.r2 @34: the pattern does not compile: missing terminating ] for character class",
            "f07.yaml:23 f2.r1 @-1: duplicate rule id (also in \(directory)/f02.yaml): ids must be unique in the pack",
            "f11.yaml:28 f11.r5 @-1: unknown fragment %{NOPE}: define it in the file or in fragments.yaml",
            "f15.yaml:43 f15.r8 @-1: unknown event kind 'smtp.nope': add it to taxonomy.yaml or use an existing one",
        ]
        for _ in 0..<5 { #expect(errors(directory) == expected) }
    }

    @Test func fileErrorsComeInNameOrder() {
        var broken = pack(files: 16, rules: 3)
        broken["f04.yaml"] = "programs: [\"p4\"\nrules: 3"
        broken["f09.yaml"]! += "    zzz: 1\n"
        broken["f13.yaml"] = "programs: []\nrules: []\n"
        let found = errors(writePack(broken))
        #expect(found.count == 3)
        #expect(found.map { String($0.prefix(8)) } == ["f04.yaml", "f09.yaml", "f13.yaml"])
        #expect(found[1].hasSuffix("unknown key 'zzz' in a rule (allowed: event, examples, id, non_matches, pattern, requires, transforms)"))
        #expect(found[2].hasSuffix("a rule file must name its programs"))
    }

    @Test func concurrentMapKeepsOrder() {
        let numbers = Array(0..<10_000)
        #expect(numbers.concurrentMap { $0 * 3 + 1 } == numbers.map { $0 * 3 + 1 })
        #expect([7].concurrentMap { $0 + 1 } == [8])
        #expect([Int]().concurrentMap { $0 } == [])
    }
}
