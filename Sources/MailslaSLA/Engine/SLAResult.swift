/// Everything the engine found for one period: per-service and server figures,
/// the SLA verdict, and the exclusion windows that fall in the period.
public struct SLAResult: Sendable, Equatable {
    public var period: SLAPeriod
    /// Known services first in the agreement's order, then others alphabetically.
    public var services: [ServiceAvailability]
    public var server: ServiceAvailability
    public var sla: SLAFigures
    /// Every exclusion window with an instant in the period, sorted by start.
    public var exclusionWindows: [ExclusionWindow]
    public var exclusionPolicy: ExclusionPolicy

    public init(period: SLAPeriod, services: [ServiceAvailability], server: ServiceAvailability, sla: SLAFigures,
                exclusionWindows: [ExclusionWindow], exclusionPolicy: ExclusionPolicy) {
        self.period = period
        self.services = services
        self.server = server
        self.sla = sla
        self.exclusionWindows = exclusionWindows
        self.exclusionPolicy = exclusionPolicy
    }

    public func service(_ name: String) -> ServiceAvailability? { services.first { $0.name == name } }
}
