/// One service's figures for one period (or the composite server's): the
/// `services.<name>` and `server` objects of REPORT.md.
public struct ServiceAvailability: Sendable, Equatable {
    public var name: String
    /// For the composite server, its members; empty for a service.
    public var members: [String]
    public var periodMicros: Int64
    /// Tests inside the period (for the server, summed over the members).
    public var tests: Int
    public var failedTests: Int
    public var incidents: [Incident]
    /// Stretches inside the period without probe data: neither up nor down.
    public var noData: [TimeSpan]
    public var duplicates: Int
    public var outOfOrder: Int

    public init(name: String, members: [String] = [], periodMicros: Int64, tests: Int, failedTests: Int,
                incidents: [Incident], noData: [TimeSpan], duplicates: Int = 0, outOfOrder: Int = 0) {
        self.name = name
        self.members = members
        self.periodMicros = periodMicros
        self.tests = tests
        self.failedTests = failedTests
        self.incidents = incidents
        self.noData = noData
        self.duplicates = duplicates
        self.outOfOrder = outOfOrder
    }

    public var downtimeMicros: Int64 { incidents.reduce(0) { $0 + $1.span.micros } }
    public var excludedMicros: Int64 { incidents.reduce(0) { $0 + $1.excludedMicros } }
    public var countedDowntimeMicros: Int64 { downtimeMicros - excludedMicros }
    public var noDataMicros: Int64 { noData.reduce(0) { $0 + $1.micros } }

    public var downtimeMinutes: Double { minutes(downtimeMicros) }
    public var excludedMinutes: Double { minutes(excludedMicros) }
    public var countedDowntimeMinutes: Double { minutes(countedDowntimeMicros) }
    public var noDataMinutes: Double { minutes(noDataMicros) }

    /// 1 − downtime / period, ignoring exclusions.
    public var rawAvailability: Double { fraction(downtimeMicros) }
    /// 1 − counted downtime / period: the SLA figure.
    public var availability: Double { fraction(countedDowntimeMicros) }

    private func fraction(_ down: Int64) -> Double { periodMicros > 0 ? 1 - Double(down) / Double(periodMicros) : 1 }
}

@inline(__always)
func minutes(_ micros: Int64) -> Double { Double(micros) / 60_000_000 }
