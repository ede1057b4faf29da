/// The truth about injected scenarios: attacks with their start, end and
/// offender, look-alikes that must not become episodes, and — with probe
/// results — every incident and the availability they must give.
extension CorpusTruth {
    /// One attack as the log shows it: from its first line to its last (a mail
    /// bomb: from its first accepted message to its last).
    public struct Attack: Codable, Sendable, Equatable {
        /// The generator's name: conn-flood, net-flood, auth-fast, auth-slow, mailbomb, syn-flood.
        public var scenario: String
        /// The episode kind it must give: conn_flood, auth_bruteforce, mailbomb, syn_flood, resource_exhaustion.
        public var kind: String
        public var host: String
        public var start: String
        public var end: String
        public var startMicros: Int64
        public var endMicros: Int64
        /// Who is behind it: an address, a /24, the mailbox bombed, the port, the exhausted service.
        public var offender: String
        /// ip, network, recipient, port, service.
        public var offenderType: String
        public var lines: Int
        /// Connections, attempts, messages or warnings.
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case scenario, kind, host, start, end, offender, lines, events
            case startMicros = "start_us", endMicros = "end_us", offenderType = "offender_type"
        }
    }

    /// Normal traffic that looks like an attack: a monitor all span long, one entry per day's newsletter.
    public struct Lookalike: Codable, Sendable, Equatable {
        /// monitor, newsletter.
        public var kind: String
        public var host: String
        public var start: String
        public var end: String
        public var startMicros: Int64
        public var endMicros: Int64
        /// The monitor's address or the newsletter's sender.
        public var key: String
        public var keyType: String
        public var lines: Int
        /// Connections or messages.
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case kind, host, start, end, key, lines, events
            case startMicros = "start_us", endMicros = "end_us", keyType = "key_type"
        }
    }

    /// What the probe file holds and the configuration it needs.
    public struct Probes: Codable, Sendable, Equatable {
        public var intervalSeconds: Int
        public var services: [String]
        /// Tests written, all services.
        public var tests: Int
        /// The period the figures are over: the calendar months (UTC) of the tests.
        public var periodStart: String
        public var periodEnd: String
        public var periodMinutes: Double
        public var maintenance: [Window]
        /// Stretches without tests (every service).
        public var gaps: [Window]
        /// A mailsla.yaml declaring the maintenance (`--config-out` writes it).
        public var configYAML: String

        enum CodingKeys: String, CodingKey {
            case services, tests, maintenance, gaps
            case intervalSeconds = "interval_seconds", periodStart = "period_start", periodEnd = "period_end"
            case periodMinutes = "period_minutes", configYAML = "config_yaml"
        }
    }

    public struct Window: Codable, Sendable, Equatable {
        public var start: String
        public var end: String
        public var reason: String
    }

    /// One outage: a run of two or more failed tests of a service (or of the
    /// server, the union of its members'), first to last failed test.
    public struct Incident: Codable, Sendable, Equatable {
        /// A service, or `server`.
        public var service: String
        public var start: String
        public var end: String
        public var startMicros: Int64
        public var endMicros: Int64
        public var failedTests: Int
        public var downtimeMinutes: Double
        public var excluded: Bool
        public var excludedMinutes: Double
        /// `episode`, `maintenance`, or nil when it counts.
        public var reason: String?
        /// For `episode`: the index into `attacks` of the attack it happened in.
        public var attack: Int?
        /// For `maintenance`: the window's reason.
        public var maintenance: String?

        enum CodingKeys: String, CodingKey {
            case service, start, end, excluded, reason, attack, maintenance
            case startMicros = "start_us", endMicros = "end_us", failedTests = "failed_tests"
            case downtimeMinutes = "downtime_minutes", excludedMinutes = "excluded_minutes"
        }
    }

    /// A service's (or the server's) figures over the period, policy `incident`, no margins.
    public struct Availability: Codable, Sendable, Equatable {
        public var tests: Int
        public var failedTests: Int
        public var incidents: Int
        public var downtimeMinutes: Double
        public var excludedMinutes: Double
        public var countedDowntimeMinutes: Double
        public var noDataMinutes: Double
        public var rawAvailability: Double
        public var availability: Double

        enum CodingKeys: String, CodingKey {
            case tests, incidents, availability
            case failedTests = "failed_tests", downtimeMinutes = "downtime_minutes", excludedMinutes = "excluded_minutes"
            case countedDowntimeMinutes = "counted_downtime_minutes", noDataMinutes = "no_data_minutes"
            case rawAvailability = "raw_availability"
        }
    }
}

extension TruthBuilder {
    /// Adds the scenario sections to `truth` (nothing without scenarios).
    func addScenarios(to truth: inout CorpusTruth) {
        let options = simulator.options
        func time(_ t: Int64) -> String { TimeText.rfc3339(micros: formatter.loggedTime(t)) }
        if let runner = simulator.scenario {
            var attacks: [CorpusTruth.Attack] = []
            for (i, e) in runner.attacks.enumerated() where e.lines > 0 {
                var last = e.last
                // The process limit lasts as long as the SYN flood that caused it.
                if e.kind == "resource_exhaustion", i > 0, runner.attacks[i - 1].kind == "syn_flood" {
                    last = max(last, runner.attacks[i - 1].last)
                }
                attacks.append(CorpusTruth.Attack(
                    scenario: e.scenario, kind: e.kind, host: e.host.name, start: time(e.first), end: time(last),
                    startMicros: formatter.loggedTime(e.first), endMicros: formatter.loggedTime(last),
                    offender: e.offender, offenderType: e.offenderType, lines: e.lines, events: e.events))
            }
            truth.attacks = attacks
            truth.lookalikes = runner.lookalikes.filter { $0.lines > 0 }.map { e in
                CorpusTruth.Lookalike(kind: e.kind, host: e.host.name, start: time(e.first), end: time(e.last),
                                      startMicros: formatter.loggedTime(e.first), endMicros: formatter.loggedTime(e.last),
                                      key: e.offender, keyType: e.offenderType, lines: e.lines, events: e.events)
            }
        }
        // The options validated (with the outages' fit) when the simulator was made, so this does not fail.
        guard let probeOptions = options.scenarios.probes, let probes = try? ProbeWriter(options: options) else { return }
        let (incidents, availability) = probes.truth()
        let period = probes.period
        func window(_ w: ProbeWriter.Window) -> CorpusTruth.Window {
            CorpusTruth.Window(start: TimeText.rfc3339(micros: w.start), end: TimeText.rfc3339(micros: w.end), reason: w.reason)
        }
        truth.probes = CorpusTruth.Probes(
            intervalSeconds: probeOptions.intervalSeconds, services: ProbeOptions.services,
            tests: probes.tests.reduce(0) { $0 + $1.count },
            periodStart: TimeText.rfc3339(micros: period.start), periodEnd: TimeText.rfc3339(micros: period.end),
            periodMinutes: ProbeWriter.minutes(period.end - period.start),
            maintenance: probes.maintenance.map(window), gaps: probes.gaps.map(window), configYAML: probes.configYAML)
        truth.incidents = incidents
        truth.availability = availability
    }
}

extension CorpusTruth {
    /// Writes the scenario sections into the truth object being written (after `rejects`).
    func writeScenarioSections(_ w: inout JSONBytes, _ out: inout ByteWriter) {
        if let attacks {
            w.key("attacks", &out)
            Self.list(attacks, &out) { a, o, out in
                o.field("scenario", a.scenario, &out)
                o.field("kind", a.kind, &out)
                o.field("host", a.host, &out)
                o.field("start", a.start, &out)
                o.field("end", a.end, &out)
                o.field("start_us", a.startMicros, &out)
                o.field("end_us", a.endMicros, &out)
                o.field("offender", a.offender, &out)
                o.field("offender_type", a.offenderType, &out)
                o.field("lines", Int64(a.lines), &out)
                o.field("events", Int64(a.events), &out)
            }
        }
        if let lookalikes {
            w.key("lookalikes", &out)
            Self.list(lookalikes, &out) { l, o, out in
                o.field("kind", l.kind, &out)
                o.field("host", l.host, &out)
                o.field("start", l.start, &out)
                o.field("end", l.end, &out)
                o.field("start_us", l.startMicros, &out)
                o.field("end_us", l.endMicros, &out)
                o.field("key", l.key, &out)
                o.field("key_type", l.keyType, &out)
                o.field("lines", Int64(l.lines), &out)
                o.field("events", Int64(l.events), &out)
            }
        }
        if let probes {
            w.key("probes", &out)
            var o = JSONBytes()
            o.open(&out)
            o.field("interval_seconds", Int64(probes.intervalSeconds), &out)
            o.key("services", &out)
            out.append(UInt8(ascii: "["))
            for (i, s) in probes.services.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.string(s, &out)
            }
            out.append(UInt8(ascii: "]"))
            o.field("tests", Int64(probes.tests), &out)
            o.field("period_start", probes.periodStart, &out)
            o.field("period_end", probes.periodEnd, &out)
            o.double("period_minutes", probes.periodMinutes, &out)
            func windows(_ list: [Window], _ out: inout ByteWriter) {
                Self.list(list, &out) { x, wo, out in
                    wo.field("start", x.start, &out)
                    wo.field("end", x.end, &out)
                    wo.field("reason", x.reason, &out)
                }
            }
            o.key("maintenance", &out)
            windows(probes.maintenance, &out)
            o.key("gaps", &out)
            windows(probes.gaps, &out)
            o.field("config_yaml", probes.configYAML, &out)
            o.close(&out)
        }
        if let incidents {
            w.key("incidents", &out)
            Self.list(incidents, &out) { x, o, out in
                o.field("service", x.service, &out)
                o.field("start", x.start, &out)
                o.field("end", x.end, &out)
                o.field("start_us", x.startMicros, &out)
                o.field("end_us", x.endMicros, &out)
                o.field("failed_tests", Int64(x.failedTests), &out)
                o.double("downtime_minutes", x.downtimeMinutes, &out)
                o.field("excluded", x.excluded, &out)
                o.double("excluded_minutes", x.excludedMinutes, &out)
                if let r = x.reason { o.field("reason", r, &out) }
                if let a = x.attack { o.field("attack", Int64(a), &out) }
                if let m = x.maintenance { o.field("maintenance", m, &out) }
            }
        }
        if let availability {
            w.key("availability", &out)
            var o = JSONBytes()
            o.open(&out)
            for (name, a) in availability.sorted(by: { $0.key < $1.key }) {
                o.key(dynamic: name, &out)
                var ao = JSONBytes()
                ao.open(&out)
                ao.field("tests", Int64(a.tests), &out)
                ao.field("failed_tests", Int64(a.failedTests), &out)
                ao.field("incidents", Int64(a.incidents), &out)
                ao.double("downtime_minutes", a.downtimeMinutes, &out)
                ao.double("excluded_minutes", a.excludedMinutes, &out)
                ao.double("counted_downtime_minutes", a.countedDowntimeMinutes, &out)
                ao.double("no_data_minutes", a.noDataMinutes, &out)
                ao.double("raw_availability", a.rawAvailability, &out)
                ao.double("availability", a.availability, &out)
                ao.close(&out)
            }
            o.close(&out)
        }
    }

    /// A JSON array of objects, one per line.
    private static func list<T>(_ items: [T], _ out: inout ByteWriter,
                                _ body: (T, inout JSONBytes, inout ByteWriter) -> Void) {
        out.append("[\n")
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(",\n") }
            var o = JSONBytes()
            o.open(&out)
            body(item, &o, &out)
            o.close(&out)
        }
        out.append("]")
    }
}

extension JSONBytes {
    /// A number that round-trips: Swift prints the shortest text that reads back as the same Double.
    mutating func double(_ name: StaticString, _ value: Double, _ out: inout ByteWriter) {
        key(name, &out)
        out.append(string: value.isFinite ? "\(value)" : "null")
    }

    /// A key that is not a literal (a service name): `key`'s comma handling, then the escaped name.
    mutating func key(dynamic name: String, _ out: inout ByteWriter) {
        key("", &out)
        out.truncate(to: out.count - 3)  // the empty name's `"":`
        JSONBytes.string(name, &out)
        out.append(UInt8(ascii: ":"))
    }
}
