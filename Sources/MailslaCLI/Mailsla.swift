import ArgumentParser

@main
struct Mailsla: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailsla",
        abstract: "Mail-flow health, attack episodes and exclusion-aware SLA figures from mail-server logs.",
        subcommands: [ReplayCommand.self, TailCommand.self, ReportCommand.self, RulesCommand.self, GenerateCommand.self, ConfigCommand.self, ProbeCommand.self]
    )
}
