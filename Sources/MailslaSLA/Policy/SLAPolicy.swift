import Foundation

/// The terms of the agreement the numbers come from (DESIGN.md), as one strict
/// value: the config loader fills it, `validate()` checks it, the engine reads it.
///
/// Kept apart from the engine (as vector keeps config types apart from runtime
/// ones) so a config file, a test or a command-line flag can build one without
/// knowing how it is used. Every default is the agreement's.
public struct SLAPolicy: Sendable, Equatable {
    /// Interval and threshold for services without their own entry.
    public var defaultService: ServicePolicy
    /// Per-service overrides, by service name (any name, not only the known ones).
    public var services: [String: ServicePolicy]
    /// The composite "server": down while any member is down.
    public var serverMembers: [String]
    /// The average target, as a fraction (0.995 for 99.5 %).
    public var objective: Double
    /// The floor the agreement guarantees, as a fraction.
    public var minimum: Double
    public var exclusionPolicy: ExclusionPolicy
    public var episodeMargins: EpisodeMargins
    /// One-off maintenance windows.
    public var maintenance: [DeclaredWindow]
    public var recurringMaintenance: [RecurringMaintenance]
    /// Windows excluded by hand, each with its reason.
    public var manualExclusions: [DeclaredWindow]
    /// The zone of billing months and of recurring maintenance.
    public var timeZone: TimeZone

    public init(
        defaultService: ServicePolicy = ServicePolicy(),
        services: [String: ServicePolicy] = [:],
        serverMembers: [String] = ["smtp-in", "pop3"],
        objective: Double = 0.995,
        minimum: Double = 0.99,
        exclusionPolicy: ExclusionPolicy = .incident,
        episodeMargins: EpisodeMargins = EpisodeMargins(),
        maintenance: [DeclaredWindow] = [],
        recurringMaintenance: [RecurringMaintenance] = [],
        manualExclusions: [DeclaredWindow] = [],
        timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) {
        self.defaultService = defaultService
        self.services = services
        self.serverMembers = serverMembers
        self.objective = objective
        self.minimum = minimum
        self.exclusionPolicy = exclusionPolicy
        self.episodeMargins = episodeMargins
        self.maintenance = maintenance
        self.recurringMaintenance = recurringMaintenance
        self.manualExclusions = manualExclusions
        self.timeZone = timeZone
    }

    /// The interval and threshold that apply to `service`.
    public func service(_ name: String) -> ServicePolicy { services[name] ?? defaultService }

    /// Throws every problem at once, each naming the field and what it must be.
    public func validate() throws(SLAPolicyError) {
        var problems: [String] = []
        for (name, s) in [("default", defaultService)] + services.sorted(by: { $0.key < $1.key }) {
            if s.intervalSeconds <= 0 { problems.append("service \(name): interval must be more than 0 seconds") }
            if s.failureThreshold < 1 { problems.append("service \(name): failure threshold must be at least 1") }
        }
        if serverMembers.isEmpty { problems.append("server: name at least one member service") }
        if serverMembers.contains(where: { $0.isEmpty }) { problems.append("server: a member name is empty") }
        if !(objective > 0 && objective <= 1) { problems.append("objective must be a fraction in (0, 1], e.g. 0.995") }
        if !(minimum > 0 && minimum <= 1) { problems.append("minimum must be a fraction in (0, 1], e.g. 0.99") }
        if minimum > objective { problems.append("minimum (\(minimum)) must not be above the objective (\(objective))") }
        if episodeMargins.beforeSeconds < 0 || episodeMargins.afterSeconds < 0 {
            problems.append("episode margins must not be negative")
        }
        for (kind, windows) in [("maintenance", maintenance), ("manual exclusion", manualExclusions)] {
            for w in windows {
                if w.span.micros == 0 { problems.append("\(kind) \"\(w.reason)\": end must be after start") }
                if w.reason.isEmpty { problems.append("\(kind) at \(w.span): give a reason") }
            }
        }
        for r in recurringMaintenance {
            if !(0..<24).contains(r.hour) || !(0..<60).contains(r.minute) {
                problems.append("recurring maintenance \"\(r.reason)\": time must be HH:MM within a day")
            }
            if r.durationSeconds <= 0 || r.durationSeconds > 7 * 86400 {
                problems.append("recurring maintenance \"\(r.reason)\": duration must be more than 0 and at most 7 days")
            }
            if r.reason.isEmpty { problems.append("recurring maintenance on \(r.weekday.name): give a reason") }
        }
        if !problems.isEmpty { throw SLAPolicyError(problems) }
    }
}
