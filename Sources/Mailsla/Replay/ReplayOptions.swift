import Foundation
import MailslaCore
import MailslaRules
import MailslaSLA

/// What to replay and how: the strict configuration of one `mailsla replay` run.
public struct ReplayOptions: Sendable {
    /// Files, directories, globs and `-` for standard input.
    public var paths: [String] = []
    public var journalFiles: [String] = []
    public var journalDirectories: [String] = []
    /// `FIELD=value` journal matches.
    public var journalMatches: [String] = []
    /// The year of the first RFC 3164 line; nil takes it from each file's modification time.
    public var year: Int?
    public var timeZone = TimeZone(identifier: "UTC")!
    /// Lines are this program's own log (no syslog host or tag).
    public var program: String?
    public var maxLineLength = 65536
    /// Bytes per read of a text input, so lines per batch; nil picks by threads: `LineFramer`'s
    /// `oneThreadBlockSize` when every stage runs on the reading thread (`--threads 1`, the rule
    /// tools), else its `defaultBlockSize`. Changes no output (the flow sweeps by event count), only
    /// speed (docs/performance.md, sessions 11 and 12).
    public var readBlockSize: Int?
    /// Where to write one JSON object per record: a path, or `-` for standard output.
    public var eventsPath: String?
    /// Where to write one JSON object per message (`--messages`): a path, or `-`.
    public var messagesPath: String?
    /// How the site's mail flow is wired (filter addresses, time-outs).
    public var flow = FlowSettings()
    /// Attack-detection thresholds and allow-lists.
    public var detection = DetectionSettings()
    /// Probe result files (JSON lines or CSV; `-` for standard input).
    public var probePaths: [String] = []
    /// The agreement's terms, for the SLA figures.
    public var sla = SLAPolicy()
    /// The zone's name as the user wrote it (Linux calls UTC "GMT").
    public var timeZoneName = "UTC"
    /// The report period; nil covers the calendar months of the input.
    public var period: SLAPeriod?
    /// The compiled rule pack; nil runs without classification.
    public var rules: RuleSet?
    /// Classify without correlating or detecting: no flow section, no episodes.
    public var classifyOnly = false
    /// Correlate and detect on threads of their own while the first reads, parses and classifies (same results).
    public var concurrentFlow = ProcessInfo.processInfo.activeProcessorCount > 1
    /// Threads reading a rotated `--journal-dir` (`JournalFileLanes`): two with `concurrentFlow` on two
    /// cores or more; one otherwise, so `--threads 1` keeps every stage, reading included, on one thread.
    public var journalLanes: Int { concurrentFlow ? min(2, ProcessInfo.processInfo.activeProcessorCount) : 1 }
    /// With `classifyOnly`: threads that classify, the reading thread included (it classifies the
    /// batches no other thread is free to take; same output, in input order); 1 classifies every
    /// batch on the reading thread.
    public var classifyThreads = min(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Time every rule match (`rules bench`): a clock read per try.
    public var ruleTiming = false
    /// Count the shapes of unmatched messages, keeping at most this many (`rules coverage`); nil counts none.
    public var unmatchedShapeLimit: Int?

    public init() {}
}
