import Foundation
import MailslaSLA

/// Everything `mailsla.yaml` can say, as one strict value. Commands start
/// from `Configuration()` (every default documented in README) and apply the
/// file, then their flags.
public struct Configuration: Sendable {
    /// The file this came from, for messages.
    public var path: String?
    /// The zone of RFC 3164 timestamps and of billing months, as the user named it.
    public var timeZoneName = "UTC"
    public var rulesDirectory: String?
    public var flow = FlowSettings()
    public var sla = SLAPolicy()
    /// Attack-detection thresholds and allow-lists.
    public var detection = DetectionSettings()
    /// Log files to read when no paths are given on the command line (and, later, to follow).
    public var files: [String] = []
    /// Journal matches (`FIELD=value`) and units.
    public var journalMatches: [String] = []
    /// Probe result files (JSON lines or CSV).
    public var probes: [String] = []
    /// Servers to test at every interval (`probes:`): `mailsla probe` and the probe service of `mailsla tail`.
    public var probeTargets: [ProbeTargetSettings] = []
    /// The state database of `mailsla tail`.
    public var store: String?
    /// Where and how `mailsla tail` serves /metrics, /healthz, the status page and POST /probes.
    public var listen = ListenSettings()
    /// How `mailsla tail` checkpoints, starts and which journal it follows.
    public var tail = TailSettings()

    public init() {}

    public var timeZone: TimeZone { TimeZone(identifier: timeZoneName) ?? TimeZone(identifier: "UTC")! }
}
