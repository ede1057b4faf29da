/// The framing a corpus is written in.
public enum CorpusFormat: String, CaseIterable, Sendable {
    /// `Nov  1 00:00:00 mx1 postfix/smtpd[123]: …` (BSD syslog, no year, UTC wall clock).
    case rfc3164
    /// `2026-11-01T00:00:00.123456+00:00 mx1 postfix/smtpd[123]: …` (rsyslog high precision).
    case rfc3339
    /// systemd's journal export format (`KEY=value` lines, a blank line after each entry),
    /// which `systemd-journal-remote --output=X.journal -` turns into a journal file.
    case journalExport = "journal-export"
}

/// What to generate: the strict configuration of one corpus.
public struct CorpusOptions: Sendable, Equatable {
    /// Everything that looks random derives from this; the same options give the same bytes.
    public var seed: UInt64 = 1
    /// Exactly this many lines (journal entries for the export format).
    public var lines = 100_000
    /// Microseconds since the epoch (UTC) of the start of the span.
    public var start: Int64 = CorpusOptions.defaultStart
    /// Length of the span in days; every line falls inside [start, start + days).
    public var days = 1
    public var format: CorpusFormat = .rfc3164
    /// Attacks, look-alikes and probe results injected on top of the background
    /// (ScenarioOptions.swift). Their lines come on top of `lines`; empty by default.
    public var scenarios = ScenarioOptions()

    /// 2026-11-01T00:00:00Z.
    public static let defaultStart: Int64 = 1_793_491_200 * 1_000_000

    public init() {}

    public init(seed: UInt64, lines: Int, start: Int64 = CorpusOptions.defaultStart, days: Int = 1,
                format: CorpusFormat = .rfc3164) {
        self.seed = seed
        self.lines = lines
        self.start = start
        self.days = days
        self.format = format
    }

    /// The end of the span (exclusive), in microseconds.
    public var end: Int64 { start + Int64(days) * 86_400_000_000 }

    /// Throws `CorpusError.invalidOptions` saying what to change.
    public func validate() throws(CorpusError) {
        if lines < 1 { throw .invalidOptions("--lines must be at least 1.") }
        if days < 1 || days > 3660 { throw .invalidOptions("--days must be between 1 and 3660.") }
        // Keep line density sane: flows need room to spread out in time.
        if Int64(lines) > Int64(days) * 86_400 * 2_000 {
            throw .invalidOptions("--lines \(lines) in \(days) day(s) is more than 2000 lines a second: give more --days.")
        }
        try scenarios.validate(self)
    }
}
