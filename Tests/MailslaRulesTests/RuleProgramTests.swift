import Foundation
import MailslaCore
import Testing
@testable import MailslaRules

/// The shipped pack's patterns compiled ahead of time to C (`CRulePrograms`): the
/// checked-in file is what the pack compiles to, and every program answers as
/// PCRE2 does, match for match and offset for offset.
@Suite struct RuleProgramTests {
    static let generatedFile = AgreementCorpus.packageRoot.appendingPathComponent("Sources/CRulePrograms/RulePrograms.c")

    @Test func theCheckedInProgramsAreTheShippedPacks() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let expected = RuleProgramSource.generate(rules, directoryName: "rules")
        let checkedIn = try String(contentsOf: Self.generatedFile, encoding: .utf8)
        #expect(checkedIn == expected, "Sources/CRulePrograms/RulePrograms.c is stale: run `mailsla rules programs` and rebuild")
    }

    @Test func theHotRulesRunOnPrograms() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let withPrograms = rules.rules.filter { $0.pattern.program != nil }
        #expect(withPrograms.count >= rules.rules.count * 9 / 10)
        for id in ["amavis.verdict", "postfix.delivery.handoff", "postfix.delivery.status", "postfix.smtpd.connect",
                   "postfix.smtpd.disconnect", "postfix.smtpd.client", "postfix.qmgr.queued", "postfix.cleanup.message_id",
                   "dovecot.lmtp.saved", "postfix.postscreen.connect"] {
            #expect(rules.rules.first { $0.id == id }?.pattern.program != nil, "\(id) has no program")
        }
    }

    /// Every rule with a program, on its examples and non-matches, thousands of variations of
    /// them, lines longer than a program takes, and every line of the shared corpus: the same
    /// answer as PCRE2 alone and, on a match, the same offsets for every group.
    @Test func programsAnswerAsPCRE2Does() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let fast = PatternMatcher(maxCaptures: rules.maxCaptures)
        let reference = PatternMatcher(maxCaptures: rules.maxCaptures, usesPrograms: false)
        let programs = rules.rules.filter { $0.pattern.program != nil }

        var messages: [[UInt8]] = []
        var random = SplitMix64(seed: 20261127)
        for rule in rules.rules {
            for text in rule.spec.examples.map(\.line.text) + rule.spec.nonMatches.map(\.text) {
                guard let message = ClassifierPrefilterTests.message(text) else { continue }
                messages.append(message)
                for _ in 0..<80 { messages.append(ClassifierPrefilterTests.mutate(message, &random)) }
                messages.append(message + [UInt8](repeating: UInt8(ascii: "a"), count: 2_100))
            }
        }
        for file in try Self.corpusFiles() {
            for line in try AgreementCorpus.lines(file) {
                if let message = ClassifierPrefilterTests.message(line) { messages.append(message) }
            }
        }
        #expect(messages.count > 30_000)

        var matches = 0, disagreements: [String] = []
        for message in messages {
            message.withUnsafeBufferPointer { m in
                let base = m.baseAddress ?? UnsafePointer(bitPattern: 1)!
                for rule in programs {
                    let expected = reference.match(rule.pattern, base, m.count)
                    let expectedOffsets = expected == .match ? Self.offsets(reference, rule.pattern.captureCount) : []
                    let answer = fast.match(rule.pattern, base, m.count)
                    let offsets = answer == .match ? Self.offsets(fast, rule.pattern.captureCount) : []
                    if expected == .match { matches += 1 }
                    if answer != expected || offsets != expectedOffsets, disagreements.count < 10 {
                        disagreements.append("\(rule.id): \(answer) \(offsets) vs PCRE2 \(expected) \(expectedOffsets) on \(String(decoding: message, as: UTF8.self).prefix(200))")
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(matches > 5_000)
    }

    /// Constructs outside the subset are refused (the pattern stays on PCRE2), never guessed at.
    @Test func patternsOutsideTheSubsetGetNoProgram() {
        for pattern in [#"(?i)^abc"#, #"^(a)\1"#, #"^(?<=a)b"#, #"^a\b"#, #"^[[:alpha:]]+"#, #"^a{,3}"#,
                        #"abc"#, #"^a|b"#, #"^(?:a?)*b"#, #"^\x41"#, #"^(?=(a))"#, #"^\p{L}"#, #"^a(*SKIP)b"#] {
            #expect(RuleProgram(pattern: pattern) == nil, "\(pattern) got a program")
        }
        for pattern in [#"^connect from (?<h>[^\s\[\]]{1,255})\[(?<ip>[0-9.]+)\]$"#, #"^(?:a|b)+?c(?!d)"#, #"^x(?>y*+)z$"#] {
            #expect(RuleProgram(pattern: pattern) != nil, "\(pattern) got no program")
        }
    }

    /// The raw offset vector of groups 0...`groups`: both ends, so a group with one end left set is seen.
    static func offsets(_ matcher: PatternMatcher, _ groups: Int) -> [Int] {
        (0..<(2 * (groups + 1))).map { matcher.ovector[$0] }
    }

    static func corpusFiles() throws -> [String] {
        let root = AgreementCorpus.root
        guard let walker = FileManager.default.enumerator(atPath: root.path) else {
            throw AgreementCorpus.CorpusMissing(path: root.path)
        }
        let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".log") || $0.hasSuffix(".txt") || $0.hasSuffix(".assert") }
        guard !files.isEmpty else { throw AgreementCorpus.CorpusMissing(path: root.path) }
        return files.sorted()
    }
}
