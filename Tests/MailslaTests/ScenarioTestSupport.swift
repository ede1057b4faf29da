import Foundation
import Testing
import MailslaSLA
@testable import Mailsla
@testable import MailslaCorpus

/// A generated corpus with injected scenarios, written to a temporary
/// directory with its probe results and its mailsla.yaml, and replayed
/// through the library with the shipped rules.
struct ScenarioRun: @unchecked Sendable {
    let options: CorpusOptions
    let truth: CorpusTruth
    let result: ReplayResult
    let seconds: (generate: Double, replay: Double)

    var episodes: [Episode] { result.episodes?.episodes ?? [] }

    /// Generates, writes and replays. The directory is removed afterwards.
    init(_ options: CorpusOptions, probeFormat: ProbeFileFormat = .jsonLines) throws {
        self.options = options
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = Date()
        let log = directory.appendingPathComponent("mail.log").path
        truth = try CorpusWriter(options: options).write(to: .file(log))
        var replay = ReplayOptions()
        replay.paths = [log]
        replay.year = 2026
        replay.rules = shippedRules
        if options.scenarios.probes != nil {
            let probes = try ProbeWriter(options: options)
            let path = directory.appendingPathComponent(probeFormat == .csv ? "probes.csv" : "probes.jsonl").path
            try Data(probes.bytes(format: probeFormat)).write(to: URL(fileURLWithPath: path))
            replay.probePaths = [path]
            // The maintenance comes from the mailsla.yaml the generator writes, read as a user's would be.
            replay.sla = try ConfigLoader.parse(probes.configYAML, path: "generated mailsla.yaml").sla
        }
        let generated = Date()
        result = try Replay(options: replay).run()
        seconds = (generated.timeIntervalSince(started), Date().timeIntervalSince(generated))
    }

    /// The episode each truth attack gave: same kind and host, overlapping the
    /// attack (with ten minutes' slack). Nil when none or several did.
    func episode(for attack: CorpusTruth.Attack) -> Episode? {
        let slack: Int64 = 600_000_000
        let found = episodes.filter {
            $0.kind.rawValue == attack.kind && $0.host == attack.host
                && $0.start <= attack.endMicros + slack && $0.end >= attack.startMicros - slack
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Episodes that belong to no injected attack.
    var unexplainedEpisodes: [Episode] {
        let claimed = Set((truth.attacks ?? []).compactMap { episode(for: $0)?.id })
        return episodes.filter { !claimed.contains($0.id) }
    }

    /// An episode as one line for failure messages.
    static func describe(_ e: Episode) -> String {
        "\(e.id) \(e.kind.rawValue) on \(e.host) \(TimeText.rfc3339(micros: e.start))…\(TimeText.rfc3339(micros: e.end)) "
            + "top \(e.topOffenders.first.map { "\($0.key)×\($0.count)" } ?? "-"), opened by: \(e.openedBy)"
    }
}

/// The options of a generated month: November 2026, `lines` background lines.
func scenarioMonth(seed: UInt64 = 7, lines: Int = 300_000, attacks: [AttackSpec] = ScenarioOptions.allAttacks,
                   lookalikes: [LookalikeKind] = LookalikeKind.allCases, probes: ProbeOptions? = ProbeOptions()) -> CorpusOptions {
    var options = CorpusOptions(seed: seed, lines: lines, days: 30)
    options.scenarios = ScenarioOptions(attacks: attacks, lookalikes: lookalikes, probes: probes)
    return options
}

/// Compares every incident, exclusion and availability figure of the SLA
/// engine with the generator's truth, exactly.
func expectSLAMatchesTruth(_ run: ScenarioRun, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let sla = try #require(run.result.sla, "replay computed no SLA figures", sourceLocation: sourceLocation)
    let truthIncidents = try #require(run.truth.incidents, sourceLocation: sourceLocation)
    let availability = try #require(run.truth.availability, sourceLocation: sourceLocation)
    let probes = try #require(run.truth.probes, sourceLocation: sourceLocation)
    #expect(TimeText.rfc3339(micros: sla.period.span.start) == probes.periodStart, sourceLocation: sourceLocation)
    #expect(TimeText.rfc3339(micros: sla.period.span.end) == probes.periodEnd, sourceLocation: sourceLocation)
    #expect(sla.period.minutes == probes.periodMinutes, sourceLocation: sourceLocation)
    let attacks = run.truth.attacks ?? []

    for name in ProbeOptions.services + ["server"] {
        let figures = try #require(name == "server" ? sla.server : sla.service(name), "no figures for \(name)",
                                   sourceLocation: sourceLocation)
        let expected = try #require(availability[name], sourceLocation: sourceLocation)
        let wanted = truthIncidents.filter { $0.service == name }
        #expect(figures.incidents.count == wanted.count,
                "\(name): \(figures.incidents.count) incidents, the truth has \(wanted.count)", sourceLocation: sourceLocation)
        for (got, want) in zip(figures.incidents, wanted) {
            let what = "\(name) incident at \(want.start)"
            #expect(got.span.start == want.startMicros && got.span.end == want.endMicros,
                    "\(what): engine \(TimeText.rfc3339(micros: got.span.start))…\(TimeText.rfc3339(micros: got.span.end)), truth \(want.start)…\(want.end)",
                    sourceLocation: sourceLocation)
            #expect(got.failedTests == want.failedTests, "\(what): failed tests", sourceLocation: sourceLocation)
            #expect(got.downtimeMinutes == want.downtimeMinutes, "\(what): downtime", sourceLocation: sourceLocation)
            #expect(got.excluded == want.excluded, "\(what): excluded \(got.excluded), truth \(want.excluded) (\(want.reason ?? "counted"))",
                    sourceLocation: sourceLocation)
            #expect(got.excludedMinutes == want.excludedMinutes, "\(what): excluded minutes", sourceLocation: sourceLocation)
            var reasons: [String] = []
            switch want.reason {
            case "episode":
                let attack = attacks[try #require(want.attack, sourceLocation: sourceLocation)]
                reasons = ["episode \(run.episode(for: attack)?.id ?? "of \(attack.scenario) (not detected)")"]
            case "maintenance":
                reasons = ["maintenance \(want.maintenance ?? "")"]
            default:
                reasons = []
            }
            #expect(got.reasons.map { "\($0.reason)" } == reasons, "\(what): reasons", sourceLocation: sourceLocation)
        }
        #expect(figures.tests == expected.tests, "\(name): tests", sourceLocation: sourceLocation)
        #expect(figures.failedTests == expected.failedTests, "\(name): failed tests", sourceLocation: sourceLocation)
        #expect(figures.downtimeMinutes == expected.downtimeMinutes, "\(name): downtime", sourceLocation: sourceLocation)
        #expect(figures.excludedMinutes == expected.excludedMinutes, "\(name): excluded minutes", sourceLocation: sourceLocation)
        #expect(figures.countedDowntimeMinutes == expected.countedDowntimeMinutes, "\(name): counted downtime",
                sourceLocation: sourceLocation)
        #expect(figures.noDataMinutes == expected.noDataMinutes, "\(name): no data \(figures.noDataMinutes) min, truth \(expected.noDataMinutes)",
                sourceLocation: sourceLocation)
        #expect(figures.rawAvailability == expected.rawAvailability, "\(name): raw availability", sourceLocation: sourceLocation)
        #expect(figures.availability == expected.availability,
                "\(name): availability \(figures.availability), truth \(expected.availability)", sourceLocation: sourceLocation)
    }
    #expect(sla.sla.availability == availability["server"]?.availability, sourceLocation: sourceLocation)
}
