import ArgumentParser
import Foundation
import Mailsla
import MailslaRules

struct RulesCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Replay logs through the rules: lines per program, matched and unmatched, hits per rule, rules never hit, and the most frequent unmatched line shapes."
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(help: "How many unmatched shapes to list.")
    var top = 30

    @Option(name: .customLong("shape-limit"), help: "Keep at most this many distinct unmatched shapes while reading.")
    var shapeLimit = UnmatchedShapes.defaultLimit

    @Flag(help: "Show the first message of each unmatched shape.")
    var examples = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        try input.check(requireInput: true)
        if top < 0 { throw ValidationError("--top must be 0 or more.") }
        if shapeLimit < 4 { throw ValidationError("--shape-limit must be at least 4.") }
    }

    func run() throws {
        var options = try input.replayOptions()
        options.rules = try rules.load()
        options.unmatchedShapeLimit = shapeLimit
        let result = try Replay(options: options).run()
        guard let (set, counters) = result.classification else { throw ExitCode(2) }
        let report = CoverageReport(rules: set, counters: counters, symbols: result.symbols, topShapes: top,
                                    input: .init(sources: result.sources, lines: result.counters.lines,
                                                 malformed: result.counters.malformed.total))
        print(json ? report.json() : report.text(examples: examples), terminator: "")
        for error in result.errors { printError("mailsla: \(error)") }
        if !result.errors.isEmpty { throw ExitCode(1) }
    }
}
