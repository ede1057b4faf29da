import ArgumentParser
import Foundation
import MailslaCorpus

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic multi-host mail log of known content (and its truth file) for tests and benchmarks.",
        discussion: """
            Deterministic: the same options give the same bytes. Hosts mx1, mx2 (postscreen, amavis), \
            smtp1 (submission) and imap1 (Dovecot); example.com/.net names and documentation addresses only.
            Example: mailsla generate --lines 2000000 --days 30 --output mail.log --rotate 4 --truth truth.json
            Scenarios add known attacks, look-alikes and probe results on top of --lines (the truth lists \
            them under attacks, lookalikes, incidents and availability):
            mailsla generate --lines 300000 --days 30 --output mail.log --truth truth.json --attacks all \
            --lookalikes all --probes probes.jsonl --config-out mailsla.yaml
            """
    )

    @Option(help: "Framing: rfc3164, rfc3339 or journal-export.")
    var format: CorpusFormat = .rfc3164

    @Option(help: "Number of lines (journal entries) to write.")
    var lines = 100_000

    @Option(help: "Seed: everything that looks random derives from it.")
    var seed: UInt64 = 1

    @Option(help: "Start of the span, RFC 3339 UTC, e.g. 2026-11-01T00:00:00Z.")
    var start = "2026-11-01T00:00:00Z"

    @Option(help: "Length of the span in days.")
    var days = 1

    @Option(help: "Output file, or - for standard output.")
    var output: String

    @Option(help: "Write a rotated set of N files split by time: FILE, FILE.1, FILE.2.gz … (needs gzip).")
    var rotate: Int?

    @Option(help: "Write the truth (line counts, times, per-message outcomes) as JSON to FILE.")
    var truth: String?

    @Option(help: ArgumentHelp(
        "Inject attacks: a comma-separated list of KIND[@START][/DURATION], or all.",
        discussion: "Kinds: conn-flood, net-flood, auth-fast, auth-slow, mailbomb, syn-flood. Without @START the seed places them; e.g. conn-flood@2026-11-03T10:00:00Z/25m."))
    var attacks: String?

    @Option(help: "Inject normal traffic that looks like an attack: monitor, newsletter, or all (comma-separated).")
    var lookalikes: String?

    @Option(help: "Recipients of each day's newsletter look-alike (1-300).")
    var newsletterRecipients = 120

    @Option(help: "Write probe results with outages of known outcome to FILE (CSV for .csv, JSON lines otherwise).")
    var probes: String?

    @Option(help: "Minutes between the probe tests of each service.")
    var probeInterval = 5

    @Flag(help: "Probe results without injected outages, gaps or maintenance.")
    var noOutages = false

    @Option(help: "Write the mailsla.yaml that declares the probe results' maintenance window to FILE.")
    var configOut: String?

    func validate() throws {
        guard Self.parseStart(start) != nil else {
            throw ValidationError("--start '\(start)' is not an RFC 3339 UTC time such as 2026-11-01T00:00:00Z.")
        }
        if let rotate {
            if rotate < 1 { throw ValidationError("--rotate must be at least 1.") }
            if output == "-" { throw ValidationError("--rotate writes files: give --output FILE, not -.") }
            if format == .journalExport {
                throw ValidationError("--rotate is for text logs; pipe journal-export into systemd-journal-remote instead.")
            }
        }
        if truth == "-" && output == "-" {
            throw ValidationError("--output - and --truth - both write to standard output: send one to a file.")
        }
        if configOut != nil && probes == nil {
            throw ValidationError("--config-out declares the maintenance of the probe results: give --probes FILE too.")
        }
        if probes == "-" || configOut == "-" {
            throw ValidationError("--probes and --config-out write files: give a path, not -.")
        }
        _ = try scenarios()
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    var options: CorpusOptions {
        var options = CorpusOptions(seed: seed, lines: lines, start: Self.parseStart(start) ?? CorpusOptions.defaultStart,
                                    days: days, format: format)
        options.scenarios = (try? scenarios()) ?? ScenarioOptions()
        return options
    }

    /// The scenarios the options ask for. Throws a message naming what to write instead.
    func scenarios() throws -> ScenarioOptions {
        var s = ScenarioOptions()
        for item in Self.list(attacks) {
            if item == "all" {
                s.attacks += ScenarioOptions.allAttacks
            } else {
                do { s.attacks.append(try AttackSpec(parsing: item)) } catch { throw ValidationError(error.description) }
            }
        }
        for item in Self.list(lookalikes) {
            if item == "all" {
                s.lookalikes += LookalikeKind.allCases
            } else if let kind = LookalikeKind(rawValue: item) {
                s.lookalikes.append(kind)
            } else {
                throw ValidationError("unknown look-alike '\(item)': use monitor, newsletter or all.")
            }
        }
        s.newsletterRecipients = newsletterRecipients
        if probes != nil { s.probes = ProbeOptions(intervalSeconds: probeInterval * 60, outages: !noOutages) }
        return s
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let destination: CorpusDestination = output == "-" ? .standardOutput
            : rotate.map { .rotated(output, count: $0) } ?? .file(output)
        let started = DispatchTime.now()
        // A CorpusError names the file and the cause; it ends the run with status 1 (no usage text).
        let result = try CorpusWriter(options: options).write(to: destination)
        if let truth {
            let bytes = Data(result.jsonBytes())
            if truth == "-" {
                FileHandle.standardOutput.write(bytes)
            } else {
                do {
                    try bytes.write(to: URL(fileURLWithPath: truth))
                } catch {
                    throw CorpusError.write(path: truth, reason: error.localizedDescription)
                }
            }
        }
        if let probes {
            let writer = try ProbeWriter(options: options)
            try Self.write(writer.bytes(format: ProbeFileFormat(path: probes)), to: probes)
            if let configOut { try Self.write(Array(writer.configYAML.utf8), to: configOut) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let summary = String(format: "mailsla generate: %d lines, %.1f MB in %d file(s) in %.3f s (%.2f M lines/s)\n",
                             result.lines, Double(result.bytes) / 1e6, result.files.count, seconds,
                             Double(result.lines) / max(seconds, 1e-9) / 1e6)
        FileHandle.standardError.write(Data(summary.utf8))
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CorpusError.write(path: path, reason: error.localizedDescription)
        }
    }

    /// `YYYY-MM-DDThh:mm:ss[.ffffff]Z` as microseconds since the epoch.
    static func parseStart(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1e6).rounded()) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1e6).rounded()) }
    }
}

extension CorpusFormat: ExpressibleByArgument {}
