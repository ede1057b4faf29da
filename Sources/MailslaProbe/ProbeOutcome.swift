import MailslaSLA

/// Why a probe failed: a bounded set, so it can be a metric label and a report column.
public enum ProbeErrorClass: String, Sendable, CaseIterable {
    /// Nothing listens on the port (connection refused).
    case refused
    /// No connection, or no answer, within the configured time.
    case timeout
    /// The TLS handshake failed: certificate not trusted, wrong name, or a plain-text server.
    case tls
    /// The server answered, but not as the protocol says (wrong greeting, refused command, bad status).
    case `protocol`
    /// The server refused the credentials.
    case auth
    /// Anything else on the way: name not resolved, connection reset or closed early.
    case network
}

/// A failed probe: its class, and what happened in words (never a password or a mail-flow token).
public struct ProbeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var errorClass: ProbeErrorClass
    public var detail: String

    public init(_ errorClass: ProbeErrorClass, _ detail: String) {
        self.errorClass = errorClass
        self.detail = detail
    }

    /// The text of the probe format's `error` field: the class first, so a reader can group by it.
    public var description: String { "\(errorClass.rawValue): \(detail)" }
}

/// One test of one service: what `mailsla probe` writes and the probe service of
/// `mailsla tail` hands to its sink. `test` is exactly what `ProbeReader` reads back.
public struct ProbeOutcome: Sendable, Equatable {
    public var service: String
    public var test: ProbeTest
    /// Nil when the test passed.
    public var errorClass: ProbeErrorClass?

    public init(service: String, time: Int64, latencyMs: Double, failure: ProbeFailure? = nil) {
        self.service = service
        // Kept to the microsecond so the JSON line reads back as the same number.
        let latency = (latencyMs * 1000).rounded() / 1000
        test = ProbeTest(time: time, ok: failure == nil, latencyMs: latency, error: failure?.description ?? "")
        errorClass = failure?.errorClass
    }

    public var ok: Bool { test.ok }
}
