import ArgumentParser

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Test, explain and measure the rule pack.",
        subcommands: [RulesTestCommand.self, RulesExplainCommand.self, RulesLintCommand.self, RulesCoverageCommand.self, RulesBenchCommand.self, RulesProgramsCommand.self]
    )
}
