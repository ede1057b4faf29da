/// What the correlator needs to know about this site's mail flow.
public struct FlowSettings: Sendable {
    /// Addresses of content filters and re-injection listeners besides the loopback.
    public var filterAddresses: Set<String> = []
    /// A message handed to a filter that has not come back after this long is lost.
    public var flowTimeoutSeconds: Int64 = 600
    /// A finished message waits this long (event time) for late links before its record is written.
    public var graceSeconds: Int64 = 120
    /// State untouched for this long is evicted (counted) so memory stays bounded.
    public var maxAgeSeconds: Int64 = 7 * 86400
    /// At most this many unfinished messages are kept; the oldest are evicted beyond it.
    public var maxMessages = 400_000
    /// Recipients kept per queue file (Postfix's own limits are 1,000 per SMTP session and
    /// 20,000 per queue run); more are counted in `FlowHealth.droppedRecipients`.
    public var maxRecipientsPerQueueFile = 10_000
    /// Delivery attempts kept per recipient (five days of retries are about 100); past it the
    /// last is overwritten and counted in `FlowHealth.droppedAttempts`.
    public var maxAttemptsPerRecipient = 1_000

    /// The interval of the log-derived `mailflow` tests.
    public var mailflowIntervalSeconds: Int64 = 300

    public init() {}

    /// True for an address on this host or a configured filter address.
    func isLocal(_ ip: String?) -> Bool {
        guard let ip else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || filterAddresses.contains(ip)
    }

    /// `isLocal` of a captured address, a `String` made only for a configured filter address.
    func isLocal(_ ip: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let ip else { return false }
        return FieldBytes.isLoopback(ip) || (!filterAddresses.isEmpty && filterAddresses.contains(String(decoding: ip, as: UTF8.self)))
    }
}
