/// How much of an incident an exclusion window takes out of the count.
public enum ExclusionPolicy: String, Sendable, CaseIterable {
    /// The default: an incident that overlaps any window (attack episode with
    /// its margins, maintenance, manual exclusion) is excluded whole, because the
    /// agreement excludes downtime an attack "caused or contributed to".
    case incident
    /// Only the minutes inside a window are excluded.
    case overlap
}

/// Time added around each attack episode before it becomes an exclusion window:
/// an attack degrades a server before a detector's threshold fires and after it clears.
public struct EpisodeMargins: Sendable, Equatable {
    public var beforeSeconds: Int
    public var afterSeconds: Int

    public init(beforeSeconds: Int = 0, afterSeconds: Int = 0) {
        self.beforeSeconds = beforeSeconds
        self.afterSeconds = afterSeconds
    }
}
