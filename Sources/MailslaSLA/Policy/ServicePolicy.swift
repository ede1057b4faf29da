/// How one service is probed and when its failures become an outage.
public struct ServicePolicy: Sendable, Equatable {
    /// Seconds between tests. A gap longer than twice this is "no data".
    public var intervalSeconds: Int
    /// Consecutive failed tests that make an incident (the agreement says two).
    public var failureThreshold: Int

    public init(intervalSeconds: Int = 300, failureThreshold: Int = 2) {
        self.intervalSeconds = intervalSeconds
        self.failureThreshold = failureThreshold
    }

    var intervalMicros: Int64 { Int64(intervalSeconds) * 1_000_000 }
}
