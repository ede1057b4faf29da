import Mailsla
import MailslaSLA

/// Everything one checkpoint writes, in one transaction: where each source
/// stands, the pipeline's whole state, and the results of the lines read since
/// the previous checkpoint. After `kill -9` the store holds the last checkpoint
/// whole or not at all, so a restart re-reads exactly the lines it does not cover.
public struct Checkpoint: Sendable {
    /// `Pipeline.snapshot()`: counters, correlator, detectors, symbol table.
    public var snapshot: [UInt8]
    /// Wall-clock time of the checkpoint, microseconds since the epoch.
    public var time: Int64
    /// The mailsla version that wrote it.
    public var version: String
    /// Every followed file's position: the stored set is replaced by this one.
    public var files: [StoredFilePosition] = []
    /// Every followed probe result file's position (`sources.probes`): the stored set is replaced by this one.
    public var probeFiles: [StoredFilePosition] = []
    /// Journal cursors by source name: the last entry each journal source handed out.
    public var journalCursors: [String: String] = [:]
    /// Flow counts of the lines since the previous checkpoint, added to the stored minutes.
    public var flow = FlowMinutes()
    /// Named totals (lines, parsed, hits per rule, …) grown since the previous checkpoint, added to the stored ones.
    public var counterDeltas: [String: Int] = [:]
    /// Episodes opened, grown or closed since the previous checkpoint (stored by kind, host and start,
    /// replacing older versions of the same episode).
    public var episodes: [StoredEpisode] = []
    /// Probe results accepted since the previous checkpoint.
    public var probes: [StoredProbeResult] = []
    /// The incidents of the period so far, when they were evaluated: they replace the stored ones of that period.
    public var incidents: (period: TimeSpan, list: [StoredIncident])?

    public init(snapshot: [UInt8], time: Int64, version: String) {
        self.snapshot = snapshot
        self.time = time
        self.version = version
    }
}

/// Where a followed file stands: its path, identity (device, inode and a
/// fingerprint of its first bytes) and the offset after the last line processed.
public struct StoredFilePosition: Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// A hash of the file's first `fingerprintLength` bytes.
    public var fingerprint: UInt64
    public var fingerprintLength: Int
    public var offset: Int64

    public init(path: String, device: UInt64, inode: UInt64, fingerprint: UInt64, fingerprintLength: Int, offset: Int64) {
        self.path = path
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
        self.offset = offset
    }
}

/// An attack episode as of a checkpoint, and whether it was still open then.
public struct StoredEpisode: Sendable, Equatable {
    public var episode: Episode
    public var open: Bool

    public init(_ episode: Episode, open: Bool) {
        self.episode = episode
        self.open = open
    }

    /// What identifies an episode across checkpoints: its id is renumbered when an earlier one appears.
    public var key: String { "\(episode.kind.rawValue)/\(episode.host)/\(episode.start)" }
}

/// One probe test with the service it tested and where it came from (`post`, `prober`, a file).
public struct StoredProbeResult: Sendable, Equatable {
    public var service: String
    public var test: ProbeTest
    public var source: String

    public init(service: String, test: ProbeTest, source: String) {
        self.service = service
        self.test = test
        self.source = source
    }
}

/// An incident as the status page and metrics show it.
public struct StoredIncident: Sendable, Equatable {
    public var service: String
    public var start: Int64
    public var end: Int64
    public var failedTests: Int
    public var excludedMicros: Int64
    /// Why minutes were excluded, one text per reason.
    public var reasons: [String]

    public init(service: String, start: Int64, end: Int64, failedTests: Int, excludedMicros: Int64, reasons: [String]) {
        self.service = service
        self.start = start
        self.end = end
        self.failedTests = failedTests
        self.excludedMicros = excludedMicros
        self.reasons = reasons
    }
}

/// What a restart resumes from: the last checkpoint.
public struct StoredState: Sendable {
    public var snapshot: [UInt8]
    public var time: Int64
    public var version: String
    /// How many checkpoints this store has taken.
    public var sequence: Int64
    public var files: [StoredFilePosition]
    public var probeFiles: [StoredFilePosition] = []
    public var journalCursors: [String: String]
}
