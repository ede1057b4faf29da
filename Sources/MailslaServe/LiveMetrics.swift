import Mailsla
import MailslaCore
import MailslaRules
import MailslaSLA

/// One moment of a live run, as /metrics shows it: plain numbers the engine
/// thread reads from its pipeline at a batch boundary and hands to the
/// `StatusBoard`, so the server never touches the pipeline.
///
/// Every labelled figure is keyed by a closed set: message statuses, the
/// rule pack's reject labels (anything else becomes `other`), episode kinds,
/// the agreement's service names and the configured sources. Nothing a log
/// line or a probe upload says can add a key.
public struct LiveMetrics: Sendable, Equatable {
    /// `mailsla_build_info{version}`.
    public var version: String
    public var sources: [SourceStatus]

    // Input, over all sources.
    public var lines = 0
    public var parsed = 0
    public var bytes = 0
    public var truncatedLines = 0
    public var malformedByReason: [String: Int] = [:]
    public var classified = 0
    public var unmatched = 0
    /// Matches cut by the PCRE2 match or depth limit.
    public var ruleLimitHits = 0
    public var failedSources = 0

    // The correlated flow.
    public var received = 0
    public var ndn = 0
    public var spam = 0
    public var virus = 0
    /// Finished messages by final state (`messageStatuses` raw values, every one present).
    public var messagesByStatus: [String: Int] = [:]
    /// Rejected attempts by reason label (closed set, see `rejectReasons(_:)`).
    public var rejectedByReason: [String: Int] = [:]
    public var deferredAttempts = 0
    public var openMessages = 0
    public var evictedMessages = 0
    /// End-to-end delivery latency and content-filter round trip, in seconds.
    public var latency = Distribution(bounds: Distribution.latencyBounds)
    public var filterRoundTrip = Distribution(bounds: Distribution.filterBounds)

    // Detection.
    /// Episodes still open, and all episodes found, by kind (every kind present).
    public var episodesActive: [String: Int] = [:]
    public var episodesTotal: [String: Int] = [:]
    /// Episodes past the detectors' limit, not kept.
    public var episodesDropped = 0
    /// Detector keys evicted while hot because a table was full.
    public var detectorKeysEvicted = 0

    // The agreement, for the period the caller evaluated (the month so far).
    /// SLA availability per service (exclusions applied), as a fraction.
    public var availability: [String: Double] = [:]
    /// Incidents per service in the period.
    public var incidents: [String: Int] = [:]
    /// The composite server's SLA availability and the verdict's budget.
    public var serverAvailability: Double?
    public var budgetLeftMinutes: Double?
    /// Services in the SLA result that are not among the allowed names: left out of the labels, counted here.
    public var unlistedServices = 0

    /// Seconds since the last checkpoint was committed; nil before the first.
    public var checkpointAgeSeconds: Double?
    /// The last checkpoint's snapshot size, and the interval it set (`tail.checkpoint_max_rate`).
    public var checkpointSnapshotBytes: Int?
    public var checkpointIntervalSeconds: Double?

    /// An empty value (no pipeline yet): what /metrics shows before the engine's first publish.
    public init(version: String, sources: [SourceStatus] = []) {
        self.version = version
        self.sources = sources
        for status in Self.messageStatuses { messagesByStatus[status.rawValue] = 0 }
        for kind in EpisodeKind.allCases {
            episodesActive[kind.rawValue] = 0
            episodesTotal[kind.rawValue] = 0
        }
    }

    /// Reads everything from `pipeline` at a batch boundary. Call it on the
    /// thread that owns the pipeline. `sla` is the agreement's result for the
    /// month so far (`StatusPage.build(…).result.sla`), `services` the names
    /// allowed as labels (`serviceNames(_:)`). Cost: one pass over the flow's
    /// latency histograms and the detectors' result, fine every few seconds.
    public init(pipeline: Pipeline, sources: [SourceStatus], checkpointAge: Double?, sla: SLAResult?,
                services: Set<String> = Set(KnownService.names), version: String) {
        self.init(version: version, sources: sources)
        checkpointAgeSeconds = checkpointAge
        let c = pipeline.counters
        lines = c.lines
        parsed = c.parsed
        bytes = c.framing.bytes
        truncatedLines = c.framing.truncatedLines
        for reason in MalformedReason.allCases { malformedByReason[reason.description] = c.malformed[reason] }
        failedSources = c.failedSources
        if let classifier = pipeline.classifier {
            classified = classifier.counters.classified
            unmatched = classifier.counters.unmatched
            ruleLimitHits = classifier.counters.limitHits.reduce(0, +)
        }
        if let correlator = pipeline.correlator {
            readFlow(correlator.health, reasons: Self.rejectReasons(correlator.rules))
            openMessages = correlator.openMessages
        }
        if let detection = pipeline.detectors?.result { readEpisodes(detection) }
        if let sla { readAgreement(sla, services: services) }
    }

    /// Final states of a message. A reject is an attempt, not a message
    /// (REPORT.md): it is counted by reason in `rejectedByReason` instead.
    public static let messageStatuses = MessageStatus.allCases.filter { $0 != .rejected }

    /// The reject labels that may appear: every label of the maps that the
    /// pack's reject rules put their `reason` through, `milter` (the
    /// correlator's label for a milter reject without one) and `other` for
    /// anything else, such as a reason a rule captured without a map.
    public static func rejectReasons(_ rules: RuleSet) -> Set<String> {
        var labels: Set<String> = ["milter", "other"]
        guard let reason = rules.fieldIndex("reason") else { return labels }
        let kinds = Set(["flow.reject", "flow.proxy_reject", "flow.milter_reject"].compactMap(rules.kindIndex))
        for (i, rule) in rules.rules.enumerated() where kinds.contains(rule.kind) {
            if let map = rules.mapName(rule: UInt16(i), field: reason), let labelled = rules.maps[map] {
                labels.formUnion(labelled.labels)
            }
        }
        return labels
    }

    /// The service names that may be labels: the agreement's known services,
    /// the server's members and every service the configuration names.
    public static func serviceNames(_ policy: SLAPolicy) -> Set<String> {
        Set(KnownService.names).union(policy.serverMembers).union(policy.services.keys)
    }

    private mutating func readFlow(_ health: FlowHealth, reasons: Set<String>) {
        received = health.received
        ndn = health.ndn
        spam = health.spam
        virus = health.virus
        for status in Self.messageStatuses { messagesByStatus[status.rawValue] = health[status] }
        for reason in reasons { rejectedByReason[reason] = 0 }
        for (reason, count) in health.rejectedByReason {
            rejectedByReason[reasons.contains(reason) ? reason : "other", default: 0] += count
        }
        deferredAttempts = health.attemptsByStatus["deferred"] ?? 0
        evictedMessages = health.evicted
        latency.read(health.latency)
        filterRoundTrip.read(health.filterRoundTrip)
    }

    private mutating func readEpisodes(_ detection: DetectionResult) {
        for episode in detection.episodes {
            episodesTotal[episode.kind.rawValue, default: 0] += 1
            if episode.closedBy == "still open" { episodesActive[episode.kind.rawValue, default: 0] += 1 }
        }
        episodesDropped = detection.stats.droppedEpisodes
        detectorKeysEvicted = detection.stats.evictedKeys
    }

    private mutating func readAgreement(_ sla: SLAResult, services: Set<String>) {
        for service in sla.services {
            guard services.contains(service.name) else {
                unlistedServices += 1
                continue
            }
            availability[service.name] = service.availability
            incidents[service.name] = service.incidents.count
        }
        serverAvailability = sla.sla.availability
        budgetLeftMinutes = sla.sla.budgetLeftMinutes
    }
}
