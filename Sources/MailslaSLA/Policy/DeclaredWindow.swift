/// A one-off window someone declared: a maintenance with its start and end, or a
/// manual exclusion. The reason is shown with every minute it excludes.
public struct DeclaredWindow: Sendable, Equatable {
    public var span: TimeSpan
    public var reason: String

    public init(span: TimeSpan, reason: String) {
        self.span = span
        self.reason = reason
    }

    /// From RFC 3339 texts, as a config file holds them; nil when either is not one.
    public init?(start: String, end: String, reason: String) {
        guard let s = RFC3339.micros(start), let e = RFC3339.micros(end), e >= s else { return nil }
        self.init(span: TimeSpan(start: s, end: e), reason: reason)
    }
}
