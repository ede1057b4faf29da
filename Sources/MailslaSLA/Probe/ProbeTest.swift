/// One availability test of one service: a success or a failure at an instant.
public struct ProbeTest: Sendable, Equatable {
    /// UTC microseconds since the epoch.
    public var time: Int64
    public var ok: Bool
    /// The probe's round trip, when it measured one.
    public var latencyMs: Double?
    /// The probe's error text; empty on success or when none was given.
    public var error: String

    public init(time: Int64, ok: Bool, latencyMs: Double? = nil, error: String = "") {
        self.time = time
        self.ok = ok
        self.latencyMs = latencyMs
        self.error = error
    }
}

/// The tests of one service in time order, one per instant, with what had to be
/// corrected to get there (REPORT.md asks for corrections to be counted, never silent).
public struct ProbeSeries: Sendable, Equatable {
    public var service: String
    /// Sorted by time, no two at the same instant.
    public var tests: [ProbeTest]
    /// Lines dropped because an earlier line had the same service and time (the first is kept).
    public var duplicates: Int
    /// Of those, the ones whose result differed from the kept one.
    public var conflictingDuplicates: Int
    /// Lines that came earlier in time than a line before them and were sorted into place.
    public var outOfOrder: Int

    public init(service: String, tests: [ProbeTest], duplicates: Int = 0, conflictingDuplicates: Int = 0, outOfOrder: Int = 0) {
        self.service = service
        self.tests = tests
        self.duplicates = duplicates
        self.conflictingDuplicates = conflictingDuplicates
        self.outOfOrder = outOfOrder
    }
}

/// Service names of the agreement (DESIGN.md, "Probed services"). Others are
/// accepted: the configuration may name any service.
public enum KnownService {
    /// In the order reports list them.
    public static let names = ["smtp-in", "smtp-out", "pop3", "imap", "http", "mailflow"]

    /// Known services in their report order, then any others alphabetically.
    public static func reportOrder(_ services: some Sequence<String>) -> [String] {
        let set = Set(services)
        return names.filter(set.contains) + set.subtracting(names).sorted()
    }
}
