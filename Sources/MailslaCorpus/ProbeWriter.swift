import MailslaCore

/// How probe results are written: JSON lines or CSV, with the columns the
/// SLA engine reads (`ts`, `service`, `ok`, `latency_ms`, `error`).
public enum ProbeFileFormat: String, Sendable, CaseIterable {
    case jsonLines = "jsonl"
    case csv

    /// CSV for a `.csv` path, JSON lines otherwise.
    public init(path: String) { self = path.lowercased().hasSuffix(".csv") ? .csv : .jsonLines }
}

/// Availability probe results that go with a corpus, with outages of known
/// outcome, and the SLA figures they must give, computed here from what is
/// written (by the agreement's rules, not by calling the SLA engine):
///
/// - one test per service every `intervalSeconds`, a few seconds of jitter;
/// - counted outages: runs of 2 to 12 failed tests, one exactly two long, and
///   an smtp-in and a pop3 outage that overlap (one incident of the server);
/// - single failed tests, and two failures one success apart: no downtime;
/// - an smtp-in outage inside an attack (excluded as that attack's episode);
/// - a pop3 outage inside a declared maintenance window (excluded, the window
///   is in `configYAML`);
/// - a gap of 70 minutes without any test (no data).
///
/// Everything is placed by the seed, at least an hour from the attacks and
/// half an hour from each other. Cost: one value per test, about 43,000 for a month.
public struct ProbeWriter {
    public struct Test: Sendable, Equatable {
        public var time: Int64
        public var ok: Bool
        public var latencyMs: Int
    }

    /// A stretch the truth names (maintenance, gap).
    public struct Window: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var reason: String
    }

    public let options: CorpusOptions
    public let intervalMicros: Int64
    /// Per service of `ProbeOptions.services`, in time order.
    public private(set) var tests: [[Test]] = []
    public private(set) var maintenance: [Window] = []
    public private(set) var gaps: [Window] = []
    /// Attack windows (planned), for the exclusions: kind of episode, window, truth index.
    let attackWindows: [(kind: String, start: Int64, end: Int64)]

    public static let maintenanceReason = "mailbox server upgrade"

    /// Throws `CorpusError.invalidOptions` when the options do not validate or
    /// the outages do not fit in the span.
    public init(options: CorpusOptions) throws(CorpusError) {
        try options.validate()
        try self.init(validated: options)
    }

    /// Places the tests and outages of options that passed `validate()` (which calls this to check the fit).
    init(validated options: CorpusOptions) throws(CorpusError) {
        self.options = options
        let probes = options.scenarios.probes ?? ProbeOptions()
        let interval = Int64(probes.intervalSeconds) * 1_000_000
        intervalMicros = interval
        let plan = try ScenarioPlan(options: options)
        var windows: [(kind: String, start: Int64, end: Int64)] = []
        for a in plan.attacks {
            switch a.kind {
            case .connFlood, .networkFlood: windows.append(("conn_flood", a.start, a.end))
            case .authFast, .authSlow: windows.append(("auth_bruteforce", a.start, a.end))
            case .mailbomb: windows.append(("mailbomb", a.start, a.end))
            case .synFlood:
                windows.append(("syn_flood", a.start, a.end))
                windows.append(("resource_exhaustion", a.start + 20_000_000, a.end))
            }
        }
        attackWindows = windows

        let services = ProbeOptions.services
        let slots = Int((options.end - options.start - 60_000_000) / interval)
        var random = CorpusRandom(seed: plan.seed ^ 0x7072_6F62_6573)
        let seed = plan.seed
        func time(_ k: Int, _ s: Int) -> Int64 {
            let jitter = Int64(CorpusRandom.mix(seed ^ UInt64(k) << 8 ^ UInt64(s)) % 20) * 1_000_000
            return options.start + Int64(k) * interval + Int64(s) * 11_000_000 + jitter
        }
        // failed[s] holds the failing slots of service s; skipped holds the slots of the gap.
        var failed = [Set<Int>](repeating: [], count: services.count)
        var skipped = Set<Int>()
        var gapList: [Window] = [], maintenanceList: [Window] = []
        if probes.outages {
            // An hour around attacks (and any episode margins a site configures), half an hour between outages.
            var busy = plan.attacks.map { ($0.start - 3_600_000_000, $0.end + 3_600_000_000) }
            let margin = Int(1_800_000_000 / interval) + 1
            /// A free run of `n` slots away from the edges, attacks and other outages.
            func place(_ n: Int, _ what: String) throws(CorpusError) -> Int {
                let low = 3, high = slots - n - 3
                if high > low {
                    for _ in 0..<2000 {
                        let k = low + random.below(high - low)
                        let a = time(k, 0) - 60_000_000, b = time(k + n, services.count)
                        if !busy.contains(where: { a < $0.1 && b > $0.0 }) {
                            busy.append((time(max(k - margin, 0), 0), time(min(k + n + margin, slots - 1), services.count)))
                            return k
                        }
                    }
                }
                throw .invalidOptions("the probe outages (\(what)) do not fit in \(options.days) day(s) beside the attacks: give more --days.")
            }
            let index = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1, $0) })
            func fail(_ service: String, _ k: Int, _ n: Int = 1) {
                for j in k..<k + n { failed[index[service]!].insert(j) }
            }
            // A gap in the probe data: the probe host was down for 70 minutes.
            let g = try place(14, "probe gap")
            for j in g..<g + 14 { skipped.insert(j) }
            let gapStart = time(g - 1, 0), gapEnd = time(g + 14, services.count - 1)
            gapList.append(Window(start: gapStart, end: gapEnd, reason: "no data"))
            // A declared maintenance window of two hours with a pop3 outage inside.
            let m = try place(24, "maintenance")
            let mStart = time(m, 0) - time(m, 0) % 60_000_000
            maintenanceList.append(Window(start: mStart, end: mStart + 7_200_000_000, reason: Self.maintenanceReason))
            fail("pop3", m + 6, 4)
            // Counted outages.
            fail("smtp-in", try place(3, "smtp-in outage"), 3)
            let both = try place(6, "server outage")
            fail("smtp-in", both, 4)
            fail("pop3", both + 2, 4)
            fail("imap", try place(2, "imap outage"), 2)
            fail("http", try place(12, "http outage"), 12)
            fail("smtp-out", try place(5, "smtp-out outage"), 5)
            // Single failures: not downtime; two failures one success apart are two singles.
            fail("smtp-out", try place(1, "single failure"))
            fail("pop3", try place(1, "single failure"))
            fail("imap", try place(1, "single failure"))
            let apart = try place(3, "single failures")
            fail("http", apart)
            fail("http", apart + 2)
            // An smtp-in outage in the middle half of an attack: excluded as its episode.
            if let a = plan.attacks.first(where: { $0.kind == .connFlood })
                ?? plan.attacks.first(where: { $0.end - $0.start >= 6 * interval }) {
                let quarter = (a.end - a.start) / 4
                let s = index["smtp-in"]!
                let inside = (0..<slots).filter { time($0, s) >= a.start + quarter && time($0, s) <= a.end - quarter }
                if inside.count >= 2 { for k in inside { failed[s].insert(k) } }
            }
        }
        var all: [[Test]] = []
        for s in services.indices {
            var list: [Test] = []
            list.reserveCapacity(slots)
            for k in 0..<slots where !skipped.contains(k) {
                let t = time(k, s)
                let ok = !failed[s].contains(k)
                let latency = 18 + Int(CorpusRandom.mix(seed ^ UInt64(k) << 16 ^ UInt64(s) ^ 0x1A7) % 90)
                list.append(Test(time: t, ok: ok, latencyMs: ok ? latency : 0))
            }
            all.append(list)
        }
        tests = all
        gaps = gapList
        maintenance = maintenanceList
    }

    // MARK: files

    /// The probe results, every service's tests merged in time order.
    public func bytes(format: ProbeFileFormat) -> [UInt8] {
        let services = ProbeOptions.services
        var merged: [(Int64, Int, Test)] = []
        for (s, list) in tests.enumerated() { for t in list { merged.append((t.time, s, t)) } }
        merged.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var out = ByteWriter(capacity: merged.count * 90 + 64)
        if format == .csv { out.append("ts,service,ok,latency_ms,error\n") }
        for (_, s, test) in merged {
            let error = test.ok ? "" : Self.errors[s]
            switch format {
            case .jsonLines:
                out.append("{\"ts\":\"")
                TimeText.writeRFC3339(micros: test.time, into: &out)
                out.append("\",\"service\":\"")
                out.append(string: services[s])
                out.append(test.ok ? "\",\"ok\":true,\"latency_ms\":" : "\",\"ok\":false,\"latency_ms\":")
                if test.ok { out.appendDecimal(test.latencyMs) } else { out.append("null") }
                out.append(",\"error\":\"")
                out.append(string: error)
                out.append("\"}\n")
            case .csv:
                TimeText.writeRFC3339(micros: test.time, into: &out)
                out.append(UInt8(ascii: ","))
                out.append(string: services[s])
                out.append(test.ok ? ",true," : ",false,")
                if test.ok { out.appendDecimal(test.latencyMs) }
                out.append(UInt8(ascii: ","))
                if !error.isEmpty {
                    out.append(UInt8(ascii: "\""))
                    out.append(string: error)
                    out.append(UInt8(ascii: "\""))
                }
                out.append(UInt8(ascii: "\n"))
            }
        }
        return out.bytes
    }

    static let errors = ["connect to 192.0.2.10:25: Connection timed out", "421 4.3.2 Service shutting down",
                         "no +OK greeting within 10 s", "no * OK greeting within 10 s", "HTTP 503 Service Unavailable"]

    /// A `mailsla.yaml` with the maintenance windows the outages need (the rest at the defaults).
    public var configYAML: String {
        var text = "# mailsla.yaml written by mailsla generate (seed \(options.seed)): the declared maintenance of its probe results.\n"
        text += "timezone: UTC\nsla:\n"
        let probes = options.scenarios.probes ?? ProbeOptions()
        if probes.intervalSeconds != 300 {
            text += "  services:\n    default: { interval: \(probes.intervalSeconds)s, threshold: 2 }\n"
        }
        if maintenance.isEmpty { return text + "  maintenance: []\n" }
        text += "  maintenance:\n"
        for w in maintenance {
            text += "    - { start: \(TimeText.rfc3339(micros: w.start)), end: \(TimeText.rfc3339(micros: w.end)), reason: \(w.reason) }\n"
        }
        return text
    }

    // MARK: truth

    /// The period Replay reports on: the calendar months (UTC) from the first test to the last.
    public var period: (start: Int64, end: Int64) {
        let times = tests.flatMap { $0.map(\.time) }
        let first = times.min() ?? options.start, last = times.max() ?? options.start
        func monthStart(_ micros: Int64, next: Bool) -> Int64 {
            let (y, m, _) = CivilTime.civilFromDays(Int(micros / 86_400_000_000))
            let (year, month) = next ? (m == 12 ? (y + 1, 1) : (y, m + 1)) : (y, m)
            return Int64(ScenarioText.daysFromCivil(year, month, 1)) * 86_400_000_000
        }
        return (monthStart(first, next: false), monthStart(last, next: true))
    }

    /// A run of failed tests long enough to be an outage.
    struct Run {
        var start: Int64
        var end: Int64
        var failures: Int
    }

    /// Runs of `threshold` or more consecutive failed tests; a success or a gap
    /// of more than twice the interval ends a run (a gap is no data, not down).
    func runs(_ list: [Test], threshold: Int = 2) -> [Run] {
        var out: [Run] = []
        var current: [Int64] = []
        var previous: Int64?
        func close() {
            if current.count >= threshold { out.append(Run(start: current.first!, end: current.last!, failures: current.count)) }
            current.removeAll()
        }
        for test in list {
            if let previous, test.time - previous > 2 * intervalMicros { close() }
            if test.ok { close() } else { current.append(test.time) }
            previous = test.time
        }
        close()
        return out
    }

    /// Stretches of the period without a test for more than twice the interval (the period's edges count as tests).
    func noData(_ list: [Test], period: (start: Int64, end: Int64)) -> [(Int64, Int64)] {
        let times = [period.start] + list.map(\.time).filter { $0 >= period.start && $0 < period.end } + [period.end]
        var out: [(Int64, Int64)] = []
        for (a, b) in zip(times, times.dropFirst()) where b - a > 2 * intervalMicros { out.append((a, b)) }
        return out
    }

    /// Every incident (services, then the server) and the availability of each, as the agreement defines them.
    func truth() -> (incidents: [CorpusTruth.Incident], availability: [String: CorpusTruth.Availability]) {
        let p = period
        let periodMicros = p.end - p.start
        var incidents: [CorpusTruth.Incident] = []
        var availability: [String: CorpusTruth.Availability] = [:]
        var memberRuns: [Run] = []
        var memberNoData: [(Int64, Int64)] = []
        var memberTests = 0, memberFailed = 0

        func judge(_ run: Run, _ service: String) -> CorpusTruth.Incident {
            // Policy `incident`: a window with an instant in [first, last] failed test excludes it whole.
            var reason: String?, attack: Int?, note: String?
            if let i = attackWindows.firstIndex(where: { run.start < $0.end && $0.start <= run.end }) {
                reason = "episode"
                attack = i
            } else if let w = maintenance.first(where: { run.start < $0.end && $0.start <= run.end }) {
                reason = "maintenance"
                note = w.reason
            }
            let down = run.end - run.start
            return CorpusTruth.Incident(
                service: service, start: TimeText.rfc3339(micros: run.start), end: TimeText.rfc3339(micros: run.end),
                startMicros: run.start, endMicros: run.end, failedTests: run.failures, downtimeMinutes: Self.minutes(down),
                excluded: reason != nil, excludedMinutes: reason != nil ? Self.minutes(down) : 0,
                reason: reason, attack: attack, maintenance: note)
        }
        func figures(_ list: [CorpusTruth.Incident], tests: Int, failed: Int, noData: Int64) -> CorpusTruth.Availability {
            let down = list.reduce(Int64(0)) { $0 + $1.endMicros - $1.startMicros }
            let excluded = list.filter(\.excluded).reduce(Int64(0)) { $0 + $1.endMicros - $1.startMicros }
            return CorpusTruth.Availability(
                tests: tests, failedTests: failed, incidents: list.count, downtimeMinutes: Self.minutes(down),
                excludedMinutes: Self.minutes(excluded), countedDowntimeMinutes: Self.minutes(down - excluded),
                noDataMinutes: Self.minutes(noData),
                rawAvailability: 1 - Double(down) / Double(periodMicros),
                availability: 1 - Double(down - excluded) / Double(periodMicros))
        }

        for (s, service) in ProbeOptions.services.enumerated() {
            let list = tests[s]
            let found = runs(list)
            let judged = found.map { judge($0, service) }
            incidents += judged
            let gaps = noData(list, period: p)
            let failed = list.filter { !$0.ok }.count
            availability[service] = figures(judged, tests: list.count, failed: failed,
                                            noData: gaps.reduce(0) { $0 + $1.1 - $1.0 })
            if ProbeOptions.serverMembers.contains(service) {
                memberRuns += found
                memberNoData += gaps
                memberTests += list.count
                memberFailed += failed
            }
        }
        // The server is down while any member is down: the union of their runs, touching ones merged.
        var union: [Run] = []
        for run in memberRuns.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = union.last, run.start <= last.end {
                union[union.count - 1] = Run(start: last.start, end: max(last.end, run.end), failures: last.failures + run.failures)
            } else {
                union.append(run)
            }
        }
        let server = union.map { judge($0, "server") }
        incidents += server
        // No data for the server: when a member has none, except while the server is known to be down.
        let noData = Self.measure(Self.subtract(union.map { ($0.start, $0.end) }, from: memberNoData))
        availability["server"] = figures(server, tests: memberTests, failed: memberFailed, noData: noData)
        return (incidents, availability)
    }

    static func minutes(_ micros: Int64) -> Double { Double(micros) / 60_000_000 }

    static func union(_ spans: [(Int64, Int64)]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for s in spans.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            if let last = out.last, s.0 <= last.1 { out[out.count - 1].1 = max(last.1, s.1) } else { out.append(s) }
        }
        return out
    }

    static func subtract(_ cuts: [(Int64, Int64)], from spans: [(Int64, Int64)]) -> [(Int64, Int64)] {
        let cuts = union(cuts)
        var out: [(Int64, Int64)] = []
        for span in union(spans) {
            var start = span.0
            for cut in cuts where cut.1 > start && cut.0 < span.1 {
                if cut.0 > start { out.append((start, cut.0)) }
                start = max(start, cut.1)
            }
            if start < span.1 { out.append((start, span.1)) }
        }
        return out
    }

    static func measure(_ spans: [(Int64, Int64)]) -> Int64 { union(spans).reduce(0) { $0 + $1.1 - $1.0 } }
}
