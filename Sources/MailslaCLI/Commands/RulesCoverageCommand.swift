import ArgumentParser
import Foundation
import Mailsla
import MailslaRules

struct RulesCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Replay logs through the rules: lines per program, matched and unmatched, hits per rule, rules never hit, and the most frequent unmatched line shapes."
    )

    @OptionGroup var input: RulesInputOptions
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
        try input.validate(requirePaths: true)
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

/// The inputs of `rules coverage` and `rules bench`: the same paths and
/// reading options as `replay` (files, directories, globs, .gz, rotated
/// sets, standard input, journal files).
struct RulesInputOptions: ParsableArguments {
    @Argument(help: "Log files, directories, globs, or - for standard input. Rotated sets are read oldest first.")
    var paths: [String] = []

    @Option(name: .customLong("journal-file"), help: "A journal file to read (repeatable).")
    var journalFiles: [String] = []

    @Option(name: .customLong("journal-dir"), help: "A journal directory to read (repeatable).")
    var journalDirectories: [String] = []

    @Option(name: .customLong("match"), help: "A journal match FIELD=value (repeatable).")
    var matches: [String] = []

    @Option(help: "Year of the first RFC 3164 line (default: from each file's modification time).")
    var year: Int?

    @Option(help: "Time zone of timestamps that carry none, e.g. Europe/Berlin.")
    var timezone: String = "UTC"

    @Option(help: "Treat lines as this program's own log: a timestamp (optional), then the message.")
    var program: String?

    @Option(name: .customLong("max-line"), help: "Cut lines longer than this many bytes (counted).")
    var maxLineLength = 65536

    var hasInput: Bool { !paths.isEmpty || !journalFiles.isEmpty || !journalDirectories.isEmpty }

    func validate(requirePaths: Bool) throws {
        if requirePaths && !hasInput {
            throw ValidationError("Give at least one log path, '-' for standard input, --journal-file or --journal-dir.")
        }
        if TimeZone(identifier: timezone) == nil {
            throw ValidationError("Unknown time zone '\(timezone)': use an IANA name such as UTC or Europe/Berlin.")
        }
        if maxLineLength < 64 { throw ValidationError("--max-line must be at least 64 bytes.") }
        for match in matches where !match.contains("=") {
            throw ValidationError("--match '\(match)' is not FIELD=value.")
        }
    }

    func replayOptions() throws -> ReplayOptions {
        var options = ReplayOptions()
        options.paths = paths
        options.journalFiles = journalFiles
        options.journalDirectories = journalDirectories
        options.journalMatches = matches
        options.year = year
        options.timeZone = TimeZone(identifier: timezone)!
        options.program = program
        options.maxLineLength = maxLineLength
        return options
    }
}
