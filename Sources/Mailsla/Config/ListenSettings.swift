/// Where and how `mailsla tail` serves its HTTP surface (/metrics, /healthz,
/// the status page, POST /probes): the `listen:` section of `mailsla.yaml`.
///
/// Loopback by default, so that a host's numbers and its probe inbox are not
/// on the network unless the operator writes an address (issue #10): binding
/// anywhere else takes an explicit `address`. The limits bound what a client
/// can make the process hold or do.
public struct ListenSettings: Sendable, Equatable {
    /// Credentials every route but /healthz asks for.
    public enum Auth: Sendable, Equatable {
        /// `Authorization: Bearer TOKEN`.
        case bearer(token: String)
        /// `Authorization: Basic base64(user:password)`.
        case basic(user: String, password: String)
    }

    /// The address to bind: an IPv4 or IPv6 literal or a host name.
    public var address = "127.0.0.1"
    public var port = 9745
    public var auth: Auth?
    /// Largest request body accepted (POST /probes); larger ones get 413.
    public var bodyLimitBytes = 1 << 20
    /// POST /probes requests one client address may make per window; more get 429.
    public var rateLimitRequests = 60
    public var rateLimitWindowSeconds = 60

    public init() {}

    /// True when the address only reaches this host (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        address == "localhost" || address == "::1" || address == "[::1]" || address.hasPrefix("127.")
    }
}
