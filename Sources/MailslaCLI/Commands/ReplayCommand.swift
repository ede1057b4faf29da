import ArgumentParser
import Foundation
import Mailsla

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Read archived logs (files, rotated sets, .gz, stdin, journal files) and summarize them."
    )

    @Argument(help: "Log files, directories, globs, or - for standard input. Rotated sets are read oldest first.")
    var paths: [String] = []

    @Option(name: .customLong("journal-file"), help: "A journal file to read (repeatable).")
    var journalFiles: [String] = []

    @Option(name: .customLong("journal-dir"), help: "A journal directory to read (repeatable).")
    var journalDirectories: [String] = []

    @Option(name: .customLong("match"), help: "A journal match FIELD=value, e.g. SYSLOG_IDENTIFIER=postfix/smtpd (repeatable).")
    var matches: [String] = []

    @Option(help: "A systemd unit to read from the journal (same as --match _SYSTEMD_UNIT=UNIT).")
    var unit: [String] = []

    @Option(help: "Year of the first RFC 3164 line (default: from each file's modification time).")
    var year: Int?

    @Option(help: "Time zone of timestamps that carry none, e.g. Europe/Berlin.")
    var timezone: String = "UTC"

    @Option(help: "Treat lines as this program's own log: a timestamp (optional), then the message.")
    var program: String?

    @Option(name: .customLong("max-line"), help: "Cut lines longer than this many bytes (counted).")
    var maxLineLength = 65536

    @Option(help: "Write one JSON object per record to FILE, or - for standard output.")
    var events: String?

    @Option(help: "Write one JSON object per message (REPORT.md per-message records) to FILE, or -.")
    var messages: String?

    @Option(name: .customLong("filter-address"), help: "Address of a content filter or re-injection listener besides 127.0.0.0/8 and ::1 (repeatable).")
    var filterAddresses: [String] = []

    @OptionGroup var rules: RulesOptions

    @Flag(name: .customLong("no-rules"), help: "Parse only; do not classify.")
    var noRules = false

    @Option(help: "Summary format: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        if paths.isEmpty && journalFiles.isEmpty && journalDirectories.isEmpty {
            throw ValidationError("Give at least one log path, '-' for standard input, --journal-file or --journal-dir.")
        }
        if TimeZone(identifier: timezone) == nil {
            throw ValidationError("Unknown time zone '\(timezone)': use an IANA name such as UTC or Europe/Berlin.")
        }
        if maxLineLength < 64 { throw ValidationError("--max-line must be at least 64 bytes.") }
        for match in matches where !match.contains("=") {
            throw ValidationError("--match '\(match)' is not FIELD=value.")
        }
        if events == "-" && messages == "-" {
            throw ValidationError("--events - and --messages - cannot both write to standard output.")
        }
        if messages == "-" && format == .json {
            throw ValidationError("--messages - and --format json both write to standard output: send messages to a file.")
        }
        if events == "-" && format == .json {
            throw ValidationError("--events - and --format json both write to standard output: send events to a file.")
        }
    }

    func run() throws {
        var options = ReplayOptions()
        options.paths = paths
        options.journalFiles = journalFiles
        options.journalDirectories = journalDirectories
        options.journalMatches = matches + unit.map { "_SYSTEMD_UNIT=\($0)" }
        options.year = year
        options.timeZone = TimeZone(identifier: timezone)!
        options.program = program
        options.maxLineLength = maxLineLength
        options.eventsPath = events
        options.messagesPath = messages
        options.flow.filterAddresses = Set(filterAddresses)
        if !noRules { options.rules = try rules.load() }

        let result = try Replay(options: options).run()
        let report = ReplayReport(result: result, timeZone: options.timeZone)
        let summary = format == .json ? report.json().rendered() + "\n" : report.text()
        // With events on stdout, the summary goes to stderr so the event stream stays clean.
        if events == "-" || messages == "-" {
            FileHandle.standardError.write(Data(summary.utf8))
        } else {
            print(summary, terminator: "")
        }
        if !result.errors.isEmpty { throw ExitCode(1) }
    }
}
