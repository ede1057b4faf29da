import ArgumentParser
import Foundation
import Mailsla
import MailslaSLA

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

    @Option(help: "Time zone of timestamps that carry none and of billing months, e.g. Europe/Berlin (default: the configuration's, else UTC).")
    var timezone: String?

    @Option(help: "The configuration file (mailsla.yaml): flow, SLA terms, detection, sources.")
    var config: String?

    @Option(help: "Probe results to compute availability from: JSON lines or CSV, - for standard input (repeatable).")
    var probes: [String] = []

    @Option(help: "Report on one billing month, YYYY-MM, in the configured zone.")
    var month: String?

    @Option(help: "Report period start (RFC 3339, e.g. 2026-11-01T00:00:00Z); with --to.")
    var from: String?

    @Option(help: "Report period end (RFC 3339); with --from.")
    var to: String?

    @Option(help: "Treat lines as this program's own log: a timestamp (optional), then the message.")
    var program: String?

    @Option(name: .customLong("max-line"), help: "Cut lines longer than this many bytes (counted).")
    var maxLineLength = 65536

    @Option(help: "Write one JSON object per record to FILE, or - for standard output.")
    var events: String?

    @Option(help: "Write one JSON object per message (REPORT.md per-message records) to FILE, or -.")
    var messages: String?

    @Option(help: "Write one JSON object per attack episode (REPORT.md episodes) to FILE, or -.")
    var episodes: String?

    @Option(name: .customLong("filter-address"), help: "Address of a content filter or re-injection listener besides 127.0.0.0/8 and ::1 (repeatable).")
    var filterAddresses: [String] = []

    @OptionGroup var rules: RulesOptions

    @Flag(name: .customLong("no-rules"), help: "Parse only; do not classify.")
    var noRules = false

    @Option(help: "Summary format: text, json, or html (one self-contained page on standard output).")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json, html }

    func validate() throws {
        if paths.isEmpty && journalFiles.isEmpty && journalDirectories.isEmpty && probes.isEmpty && config == nil {
            throw ValidationError("Give at least one log path, '-' for standard input, --journal-file, --journal-dir or --probes.")
        }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("Unknown time zone '\(timezone)': use an IANA name such as UTC or Europe/Berlin.")
        }
        if month != nil && (from != nil || to != nil) { throw ValidationError("Give --month or --from/--to, not both.") }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together.") }
        if maxLineLength < 64 { throw ValidationError("--max-line must be at least 64 bytes.") }
        for match in matches where !match.contains("=") {
            throw ValidationError("--match '\(match)' is not FIELD=value.")
        }
        if events == "-" && messages == "-" {
            throw ValidationError("--events - and --messages - cannot both write to standard output.")
        }
        if messages == "-" && format != .text {
            throw ValidationError("--messages - and --format \(format.rawValue) both write to standard output: send messages to a file.")
        }
        if episodes == "-" && (events == "-" || messages == "-" || format != .text) {
            throw ValidationError("--episodes - shares standard output with another output: send episodes to a file.")
        }
        if episodes != nil && noRules {
            throw ValidationError("--episodes needs the rules: drop --no-rules.")
        }
        if events == "-" && format != .text {
            throw ValidationError("--events - and --format \(format.rawValue) both write to standard output: send events to a file.")
        }
    }

    func run() throws {
        let configuration = try config.map { try ConfigLoader.load(path: $0) } ?? Configuration()
        var options = ReplayOptions()
        options.paths = paths.isEmpty && journalFiles.isEmpty && journalDirectories.isEmpty ? configuration.files : paths
        options.journalFiles = journalFiles
        options.journalDirectories = journalDirectories
        options.journalMatches = (matches.isEmpty && unit.isEmpty ? configuration.journalMatches : matches)
            + unit.map { "_SYSTEMD_UNIT=\($0)" }
        options.year = year
        options.timeZoneName = timezone ?? configuration.timeZoneName
        options.timeZone = TimeZone(identifier: options.timeZoneName)!
        options.sla = configuration.sla
        options.sla.timeZone = options.timeZone
        options.flow = configuration.flow
        options.probePaths = probes.isEmpty ? configuration.probes : probes
        options.period = try period(zone: options.timeZone)
        options.program = program
        options.maxLineLength = maxLineLength
        options.eventsPath = events
        options.messagesPath = messages
        options.flow.filterAddresses.formUnion(filterAddresses)
        if !noRules { options.rules = try rules.load(configured: configuration.rulesDirectory) }

        let result = try Replay(options: options).run()
        if let path = episodes, let found = result.episodes { try EpisodesReportSection(result: found).writeLines(to: path) }
        let report = ReplayReport(result: result, timeZoneName: options.timeZoneName)
        let summary = switch format {
        case .json: report.json().rendered() + "\n"
        case .html: HTMLReport(result: result, timeZoneName: options.timeZoneName).render()
        case .text: report.text()
        }
        // With events on stdout, the summary goes to stderr so the event stream stays clean.
        if events == "-" || messages == "-" || episodes == "-" {
            FileHandle.standardError.write(Data(summary.utf8))
        } else {
            print(summary, terminator: "")
        }
        if !result.errors.isEmpty { throw ExitCode(1) }
    }

    /// The period the flags name, or nil for the input's own months.
    private func period(zone: TimeZone) throws -> SLAPeriod? {
        if let month {
            let parts = month.split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                throw ValidationError("--month must be YYYY-MM, e.g. 2026-11.")
            }
            return .month(year: y, month: m, in: zone)
        }
        if let from, let to {
            guard let start = RFC3339.micros(from), let end = RFC3339.micros(to), start < end else {
                throw ValidationError("--from and --to must be RFC 3339 times (e.g. 2026-11-01T00:00:00Z), --from before --to.")
            }
            return SLAPeriod(span: TimeSpan(start: start, end: end), timeZone: zone)
        }
        return nil
    }
}
