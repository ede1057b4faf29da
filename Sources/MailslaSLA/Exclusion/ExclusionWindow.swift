/// Why minutes are excluded from the count. Every excluded minute names one.
public enum ExclusionReason: Hashable, Sendable, CustomStringConvertible {
    /// An attack episode from the detectors, by its id (with the policy's margins applied).
    case episode(String)
    case maintenance(String)
    case manual(String)

    /// `episode`, `maintenance` or `manual`: the key REPORT.md uses.
    public var kind: String {
        switch self {
        case .episode: "episode"
        case .maintenance: "maintenance"
        case .manual: "manual"
        }
    }

    /// The episode id or the declared reason.
    public var detail: String {
        switch self {
        case .episode(let s), .maintenance(let s), .manual(let s): s
        }
    }

    public var description: String { "\(kind) \(detail)" }
}

/// A stretch of time taken out of the count, and why.
public struct ExclusionWindow: Hashable, Sendable {
    public var span: TimeSpan
    public var reason: ExclusionReason

    public init(span: TimeSpan, reason: ExclusionReason) {
        self.span = span
        self.reason = reason
    }
}

/// An attack episode as the detectors report it: its id and its start and end
/// (UTC microseconds). The engine adds the policy's margins.
public struct EpisodeWindow: Hashable, Sendable {
    public var id: String
    public var span: TimeSpan

    public init(id: String, span: TimeSpan) {
        self.id = id
        self.span = span
    }
}

/// One reason an incident's minutes were excluded, with how many of the
/// incident's minutes (in the period) its windows cover.
public struct ExclusionMatch: Hashable, Sendable {
    public var reason: ExclusionReason
    public var overlapMicros: Int64

    public init(reason: ExclusionReason, overlapMicros: Int64) {
        self.reason = reason
        self.overlapMicros = overlapMicros
    }

    public var overlapMinutes: Double { Double(overlapMicros) / 60_000_000 }
}
