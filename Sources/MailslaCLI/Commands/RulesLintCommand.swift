import ArgumentParser
import MailslaRules

struct RulesLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check the rule pack: refusals (errors), then unanchored, catch-all and leading-.* patterns, nested quantifiers, shadowed rules, and attacker-controlled captures without non_matches (warnings).",
        discussion: "Exits 1 when the pack has errors, or with --strict when it has warnings; 0 otherwise."
    )

    @OptionGroup var rules: RulesOptions

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(name: .customLong("errors-only"), help: "Print errors only.")
    var errorsOnly = false

    func run() throws {
        let report = RuleLinter.lint(directory: try rules.resolvedDirectory())
        for finding in report.findings where !errorsOnly || finding.severity == .error { print(finding) }
        let passed = report.passed(strict: strict)
        print("rules lint: \(passed ? "ok" : "FAILED"): \(report.rules) rules, \(report.errors) errors, \(report.warnings) warnings")
        if !passed { throw ExitCode(1) }
    }
}
