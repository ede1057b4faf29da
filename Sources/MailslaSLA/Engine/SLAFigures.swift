/// The `sla` object of REPORT.md: the server's availability against the agreement.
public struct SLAFigures: Sendable, Equatable {
    public var objective: Double
    public var minimum: Double
    public var availability: Double
    public var rawAvailability: Double
    public var objectiveMet: Bool
    public var minimumMet: Bool
    /// (1 − objective) × period minutes: the downtime the objective allows.
    public var budgetMinutes: Double
    /// Budget − counted downtime; negative when the objective is missed.
    public var budgetLeftMinutes: Double

    /// Tolerance for comparing fractions, so that downtime of exactly the budget
    /// meets the objective despite binary rounding (1 − 216/43200 is not exactly 0.995).
    static let epsilon = 1e-12

    public init(server: ServiceAvailability, objective: Double, minimum: Double) {
        self.objective = objective
        self.minimum = minimum
        availability = server.availability
        rawAvailability = server.rawAvailability
        objectiveMet = availability >= objective - Self.epsilon
        minimumMet = availability >= minimum - Self.epsilon
        budgetMinutes = (1 - objective) * minutes(server.periodMicros)
        budgetLeftMinutes = budgetMinutes - server.countedDowntimeMinutes
    }
}
