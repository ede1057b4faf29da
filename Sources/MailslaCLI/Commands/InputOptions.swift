import ArgumentParser
import Foundation
import Mailsla

/// What to read and how: the same paths and reading options for every
/// command that replays logs (`replay`, `rules coverage`, `rules bench`).
struct InputOptions: ParsableArguments {
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

    @Option(help: "Treat lines as this program's own log: a timestamp (optional), then the message.")
    var program: String?

    @Option(name: .customLong("max-line"), help: "Cut lines longer than this many bytes (counted).")
    var maxLineLength = 65536

    var hasInput: Bool { !paths.isEmpty || !journalFiles.isEmpty || !journalDirectories.isEmpty }

    /// Refuses bad values with a message that says what to write instead.
    func check(requireInput: Bool) throws {
        if requireInput && !hasInput {
            throw ValidationError("Give at least one log path, '-' for standard input, --journal-file or --journal-dir.")
        }
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("Unknown time zone '\(timezone)': use an IANA name such as UTC or Europe/Berlin.")
        }
        if maxLineLength < 64 { throw ValidationError("--max-line must be at least 64 bytes.") }
        for match in matches where !match.contains("=") {
            throw ValidationError("--match '\(match)' is not FIELD=value.")
        }
    }

    /// Replay options for these inputs; `configuration` fills what the flags leave open.
    func replayOptions(configuration: Configuration = Configuration()) throws -> ReplayOptions {
        var options = ReplayOptions()
        options.paths = hasInput ? paths : configuration.files
        options.journalFiles = journalFiles
        options.journalDirectories = journalDirectories
        options.journalMatches = (matches.isEmpty && unit.isEmpty ? configuration.journalMatches : matches)
            + unit.map { "_SYSTEMD_UNIT=\($0)" }
        options.year = year
        options.timeZoneName = timezone ?? configuration.timeZoneName
        options.timeZone = TimeZone(identifier: options.timeZoneName)!
        options.program = program
        options.maxLineLength = maxLineLength
        return options
    }
}
