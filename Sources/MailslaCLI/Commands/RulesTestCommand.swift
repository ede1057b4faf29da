import ArgumentParser
import MailslaRules

struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every example of every rule; fail on a wrong match, a wrong field or a rule without an example."
    )

    @OptionGroup var rules: RulesOptions

    func run() throws {
        let set = try rules.load()
        let outcome = RuleVerifier(rules: set).verify()
        for failure in outcome.failures { printError("FAIL \(failure)") }
        let status = outcome.passed ? "ok" : "FAILED"
        print("rules test: \(status): \(outcome.rules) rules, \(outcome.examples) examples, \(outcome.nonMatches) non-matches, \(outcome.failures.count) failures")
        if !outcome.passed { throw ExitCode(1) }
    }
}
