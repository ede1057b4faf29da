import Foundation
import Testing
@testable import MailslaRules

/// `mailsla rules test` as part of `swift test`: the shipped pack must verify.
@Suite struct ShippedPackTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("rules").path

    @Test func everyExampleOfEveryShippedRulePasses() throws {
        let rules = try RuleSet(directory: Self.directory)
        let outcome = RuleVerifier(rules: rules).verify()
        #expect(outcome.failures.map(\.description) == [])
        #expect(outcome.rules == rules.rules.count && outcome.rules > 100)
        // Every rule has at least one positive example (the loader refuses otherwise; check anyway).
        #expect(rules.rules.allSatisfy { !$0.spec.examples.isEmpty })
    }

    @Test func everyShippedRuleIsAnchoredAndEveryKindIsInTheTaxonomy() throws {
        let rules = try RuleSet(directory: Self.directory)
        for rule in rules.rules {
            #expect(rule.spec.pattern.hasPrefix("^") || rule.spec.pattern.hasPrefix("%{"), "\(rule.id) is not anchored")
            #expect(rules.spec.kinds[rule.spec.event] != nil)
        }
    }

    /// `rules lint --strict` passes on the shipped pack: no finding of any kind, so neither a nested
    /// quantifier nor a run that backtracks over the line (the shapes that cost a 64 KiB line most).
    @Test func theShippedPackLintsClean() throws {
        let findings = RuleLinter(rules: try RuleSet(directory: Self.directory)).lint()
        #expect(findings.map(\.description) == [])
    }
}
