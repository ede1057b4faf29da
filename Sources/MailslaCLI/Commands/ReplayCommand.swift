import ArgumentParser
import Foundation
import Mailsla
import MailslaSLA

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Read archived logs (files, rotated sets, .gz, stdin, journal files) and summarize them."
    )

    @OptionGroup var input: InputOptions

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

    @Flag(name: .customLong("classify-only"), help: "Parse and classify only: no mail flow, no episodes (the rule author's loop).")
    var classifyOnly = false

    @Option(help: "Threads: 2 uses two cores (one thread reads and classifies while two more correlate and detect; with --classify-only, the reading thread hands batches to a second and classifies those it cannot take); 1 runs every stage on one. Default: 2 when the machine has two cores.")
    var threads: Int?

    @Option(help: "Summary format: text, json, or html (one self-contained page on standard output).")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json, html }

    func validate() throws {
        if !input.hasInput && probes.isEmpty && config == nil {
            throw ValidationError("Give at least one log path, '-' for standard input, --journal-file, --journal-dir, --probes or --config.")
        }
        try input.check(requireInput: false)
        if month != nil && (from != nil || to != nil) { throw ValidationError("Give --month or --from/--to, not both.") }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together.") }
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
        if let threads, !(1...2).contains(threads) { throw ValidationError("--threads must be 1 or 2.") }
        if classifyOnly && (noRules || messages != nil || episodes != nil) {
            throw ValidationError("--classify-only classifies without flow or detection: drop --no-rules, --messages and --episodes.")
        }
        if events == "-" && format != .text {
            throw ValidationError("--events - and --format \(format.rawValue) both write to standard output: send events to a file.")
        }
    }

    func run() throws {
        let configuration = try config.map { try ConfigLoader.load(path: $0) } ?? Configuration()
        var options = try input.replayOptions(configuration: configuration)
        options.sla = configuration.sla
        options.sla.timeZone = options.timeZone
        options.flow = configuration.flow
        options.detection = configuration.detection
        options.probePaths = probes.isEmpty ? configuration.probes : probes
        options.period = try period(zone: options.timeZone)
        options.eventsPath = events
        options.messagesPath = messages
        options.flow.filterAddresses.formUnion(filterAddresses)
        options.classifyOnly = classifyOnly
        if let threads {
            options.concurrentFlow = threads == 2
            options.classifyThreads = threads
        }
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
