import MailslaSLA

/// One test result of one service, as an upload or a prober hands it to the
/// engine through `StatusBoard`'s inbox.
public struct ProbeResult: Sendable, Equatable {
    public var service: String
    public var test: ProbeTest

    public init(service: String, test: ProbeTest) {
        self.service = service
        self.test = test
    }
}
