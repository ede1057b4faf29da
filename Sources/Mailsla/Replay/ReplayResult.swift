/// What a replay read and how it went, for the summary and the report.
public struct ReplayResult {
    public var counters: InputCounters
    public let symbols: SymbolTable
    /// Inputs in the order they were read.
    public var sources: [String]
    /// Inputs that failed, each with its reason; the run went on without them.
    public var errors: [InputError]
    public var elapsedSeconds: Double
    /// Values written as U+FFFD in the events output because they were not UTF-8.
    public var invalidUTF8Values = 0
    /// The rules used and what they matched, when the replay classified.
    public var classification: (rules: RuleSet, counters: ClassifierCounters)?
    /// The correlated mail flow, when the replay classified.
    public var flow: FlowHealth?
    /// The period the report covers (from the options, else the input's months).
    public var period: SLAPeriod?
    /// Probe data and the SLA figures, when probe files were given.
    public var probes: ProbeData?
    public var sla: SLAResult?
    /// The `mailflow` tests derived from the logs (also in `probes` when no probe file had that service).
    public var mailflowTests: [ProbeTest] = []
    /// The attack episodes, when the replay classified.
    public var episodes: DetectionResult?

    public init(counters: InputCounters, symbols: SymbolTable, sources: [String], errors: [InputError], elapsedSeconds: Double) {
        self.counters = counters
        self.symbols = symbols
        self.sources = sources
        self.errors = errors
        self.elapsedSeconds = elapsedSeconds
    }

    public var bytesRead: Int { counters.framing.bytes }
}

import MailslaCore
import MailslaInput
import MailslaRules
import MailslaSLA
