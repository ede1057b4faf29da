/// Turns probe results, attack episodes and the policy into a period's
/// availability figures. Synchronous and pure: no I/O, no clock, so tests pin
/// every number.
///
/// All arithmetic is on UTC instants; only period boundaries and recurring
/// maintenance use the zone. Runs are found over all the data first and then
/// cut to the period, so a run across a month boundary counts in each month
/// for its own part.
///
/// The composite server (`policy.serverMembers`) is down while any member is
/// down: its runs are the union of the members' runs (overlapping or touching
/// runs merge into one incident), judged by the exclusion windows as one
/// incident of its own. Its `tests` and `failedTests` are the sums over the
/// members (each member test is one look at the server), and its no-data time
/// is when some member has no data, except while another member is down (the
/// server is known to be down then).
public struct SLAEngine: Sendable {
    public let policy: SLAPolicy

    public init(policy: SLAPolicy) { self.policy = policy }

    /// The figures for `period`. Services are those in the data, in the policy's
    /// per-service entries and among the server's members; one without tests has
    /// no data for the whole period.
    public func evaluate(_ probes: ProbeData, episodes: [EpisodeWindow] = [], period: SLAPeriod) -> SLAResult {
        let calendar = ExclusionCalendar(policy: policy, episodes: episodes)
        let names = KnownService.reportOrder(Array(probes.series.keys) + Array(policy.services.keys) + policy.serverMembers)
        var runs: [String: [FailureRun]] = [:]
        var services: [ServiceAvailability] = []
        for name in names {
            let series = probes.series[name] ?? ProbeSeries(service: name, tests: [])
            let settings = policy.service(name)
            let found = FailureRun.find(in: series.tests, intervalMicros: settings.intervalMicros,
                                        threshold: settings.failureThreshold)
            runs[name] = found
            let inPeriod = series.tests[series.tests.partitionIndex { $0.time >= period.span.start }
                                        ..< series.tests.partitionIndex { $0.time >= period.span.end }]
            services.append(ServiceAvailability(
                name: name, periodMicros: period.span.micros,
                tests: inPeriod.count, failedTests: inPeriod.filter { !$0.ok }.count,
                incidents: Incident.parts(of: found, in: period.span, calendar: calendar),
                noData: NoDataGaps.find(in: series.tests, intervalMicros: settings.intervalMicros, period: period.span),
                duplicates: series.duplicates, outOfOrder: series.outOfOrder))
        }
        let members = policy.serverMembers.compactMap { name in services.first { $0.name == name } }
        let serverIncidents = Incident.parts(of: FailureRun.union(policy.serverMembers.flatMap { runs[$0] ?? [] }),
                                             in: period.span, calendar: calendar)
        let server = ServiceAvailability(
            name: "server", members: policy.serverMembers, periodMicros: period.span.micros,
            tests: members.reduce(0) { $0 + $1.tests }, failedTests: members.reduce(0) { $0 + $1.failedTests },
            incidents: serverIncidents,
            noData: SpanSet.subtract(serverIncidents.map(\.span), from: members.flatMap(\.noData)),
            duplicates: members.reduce(0) { $0 + $1.duplicates }, outOfOrder: members.reduce(0) { $0 + $1.outOfOrder })
        return SLAResult(period: period, services: services, server: server,
                         sla: SLAFigures(server: server, objective: policy.objective, minimum: policy.minimum),
                         exclusionWindows: calendar.windows(touching: period.span).filter { $0.span.end > period.span.start },
                         exclusionPolicy: policy.exclusionPolicy)
    }
}
