import MailslaSLA

/// One test result of one service, as an upload or a prober hands it to the
/// engine through `StatusBoard`'s inbox.
public struct ProbeResult: Sendable, Equatable {
    public var service: String
    public var test: ProbeTest
    /// Where it came from, stored with it: `post` (an upload) or `prober` (the probe service of `mailsla tail`).
    public var source: String

    public init(service: String, test: ProbeTest, source: String = "post") {
        self.service = service
        self.test = test
        self.source = source
    }
}
