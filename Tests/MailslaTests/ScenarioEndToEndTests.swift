import Foundation
import Testing
import MailslaSLA
@testable import Mailsla
@testable import MailslaCorpus

/// A generated month with every attack, the look-alikes and probe results,
/// replayed once and shared by the tests below (about 10 s in a debug build).
let attackedMonth: Result<ScenarioRun, any Error> = Result { try ScenarioRun(scenarioMonth()) }

/// The same month without attacks: the look-alikes and the probes only, the probes as CSV.
let quietMonth: Result<ScenarioRun, any Error> = Result {
    try ScenarioRun(scenarioMonth(attacks: []), probeFormat: .csv)
}

/// End to end: generate a month with injected attacks and outages of known
/// outcome, replay it with its probe file and mailsla.yaml, and compare what
/// the detectors and the SLA engine found with the generator's truth.
@Suite("Scenarios end to end", .serialized)
struct ScenarioEndToEndTests {
    /// How far an episode's start and end may be from the attack's first and last line.
    static let tolerance: Int64 = 5 * 60_000_000

    @Test("every injected attack is one episode of its kind, on its host, with the attacker as top offender")
    func everyAttackIsOneEpisode() throws {
        let run = try attackedMonth.get()
        let attacks = try #require(run.truth.attacks)
        #expect(attacks.map(\.scenario) == ["conn-flood", "net-flood", "auth-fast", "auth-slow", "mailbomb", "syn-flood", "syn-flood"])
        #expect(attacks.map(\.kind) == ["conn_flood", "conn_flood", "auth_bruteforce", "auth_bruteforce", "mailbomb",
                                         "syn_flood", "resource_exhaustion"])
        for attack in attacks {
            let candidates = run.episodes.filter { $0.kind.rawValue == attack.kind && $0.host == attack.host }
            guard let e = run.episode(for: attack) else {
                let what = "\(attack.scenario) (\(attack.kind) on \(attack.host) \(attack.start)…\(attack.end))"
                Issue.record("\(what) gave no single episode; of its kind and host: \(candidates.map(ScenarioRun.describe))")
                continue
            }
            let top = try #require(e.topOffenders.first, "\(e.id) has no offender")
            if attack.offenderType == "network" {
                #expect(top.key.hasPrefix("203.0.113.") && top.type == "ip", "\(attack.scenario): top offender \(top.key)")
                #expect(e.openedBy.contains("network \(attack.offender)"), "\(attack.scenario): \(e.openedBy)")
                #expect(e.topOffenders.allSatisfy { $0.key.hasPrefix("203.0.113.") })
            } else {
                #expect(top.key == attack.offender && top.type == attack.offenderType,
                        "\(attack.scenario): top offender \(top.type) \(top.key), truth \(attack.offenderType) \(attack.offender)")
            }
        }
        #expect(run.unexplainedEpisodes.isEmpty,
                "episodes no attack explains: \(run.unexplainedEpisodes.map(ScenarioRun.describe))")
    }

    @Test("each episode starts and ends within five minutes of its attack's first and last line")
    func episodeTimesMatchTheAttacks() throws {
        let run = try attackedMonth.get()
        for attack in try #require(run.truth.attacks) {
            guard let e = run.episode(for: attack) else { continue }  // reported by everyAttackIsOneEpisode
            let early = (attack.startMicros - e.start) / 1_000_000
            let late = (e.end - attack.endMicros) / 1_000_000
            #expect(abs(e.start - attack.startMicros) <= Self.tolerance,
                    "\(attack.scenario) (\(attack.kind)): \(e.id) starts \(early) s before the first attack line (\(TimeText.rfc3339(micros: e.start)) vs \(attack.start)); opened by: \(e.openedBy)")
            #expect(abs(e.end - attack.endMicros) <= Self.tolerance,
                    "\(attack.scenario) (\(attack.kind)): \(e.id) ends \(late) s after the last attack line (\(TimeText.rfc3339(micros: e.end)) vs \(attack.end))")
        }
    }

    @Test("every incident, exclusion and availability figure equals the generator's truth")
    func slaFiguresMatchTheTruth() throws {
        let run = try attackedMonth.get()
        let incidents = try #require(run.truth.incidents)
        // The month has each kind of outcome the agreement distinguishes.
        #expect(incidents.contains { $0.reason == "episode" && $0.service == "smtp-in" })
        #expect(incidents.contains { $0.reason == "maintenance" && $0.service == "pop3" })
        #expect(incidents.contains { $0.service == "server" && $0.failedTests == 8 }, "overlapping smtp-in and pop3 outages")
        #expect(incidents.contains { $0.service == "imap" && $0.failedTests == 2 })
        #expect(incidents.filter { $0.reason == nil }.count >= 5)
        try expectSLAMatchesTruth(run)
    }

    @Test("the attack-free month with a monitor and daily newsletters has no episode")
    func quietMonthHasNoEpisode() throws {
        let run = try quietMonth.get()
        #expect(run.truth.attacks == [])
        let lookalikes = try #require(run.truth.lookalikes)
        #expect(lookalikes.filter { $0.kind == "monitor" }.count == 1)
        #expect(lookalikes.filter { $0.kind == "newsletter" }.count == 30)
        #expect(run.episodes.isEmpty, "false episodes: \(run.episodes.map(ScenarioRun.describe))")
    }

    /// Each message of this newsletter comes on a connection of its own, through postscreen (CONNECT)
    /// and smtpd (connect): 30 connections a minute for ten minutes a day. Counting both lines of
    /// one connection as two pieces of flood evidence made it a conn_flood every day.
    @Test("a 300-recipient newsletter, one connection per message, is no connection flood")
    func bigNewsletterIsNoConnectionFlood() throws {
        var options = CorpusOptions(seed: 5, lines: 60_000, days: 4)
        options.scenarios = ScenarioOptions(lookalikes: [.newsletter])
        options.scenarios.newsletterRecipients = 300
        let run = try ScenarioRun(options)
        let newsletters = try #require(run.truth.lookalikes).filter { $0.kind == "newsletter" }
        #expect(newsletters.count >= 3)
        #expect(newsletters.allSatisfy { $0.events == 300 }, "\(newsletters.map(\.events))")
        let floods = run.episodes.filter { $0.kind == .connFlood }
        #expect(floods.isEmpty, "false episodes: \(floods.map(ScenarioRun.describe))")
    }

    @Test("without attacks every outage counts except the maintenance, exactly as the truth says (CSV probes)")
    func quietMonthSLA() throws {
        let run = try quietMonth.get()
        let incidents = try #require(run.truth.incidents)
        #expect(!incidents.contains { $0.reason == "episode" })
        #expect(incidents.contains { $0.reason == "maintenance" })
        try expectSLAMatchesTruth(run)
        #expect((run.result.probes?.counts.malformed.values.reduce(0, +) ?? -1) == 0)
    }

    @Test("six days with 10-minute probes: the rest of the month is no data, and every figure still matches")
    func fewDaysTenMinuteProbes() throws {
        var options = CorpusOptions(seed: 11, lines: 40_000, days: 6)
        options.scenarios = ScenarioOptions(attacks: [AttackSpec(kind: .connFlood), AttackSpec(kind: .mailbomb)],
                                            probes: ProbeOptions(intervalSeconds: 600))
        let run = try ScenarioRun(options, probeFormat: .csv)
        #expect(run.truth.probes?.configYAML.contains("interval: 600s") == true)
        let period = try #require(run.truth.probes)
        #expect(period.periodStart == "2026-11-01T00:00:00Z" && period.periodEnd == "2026-12-01T00:00:00Z")
        #expect(period.periodMinutes == 43_200.0, "\(period.periodMinutes)")
        #expect((run.truth.availability?["smtp-in"]?.noDataMinutes ?? 0) > 24 * 1440)
        for attack in try #require(run.truth.attacks) { #expect(run.episode(for: attack) != nil, "\(attack.scenario)") }
        #expect(run.unexplainedEpisodes.isEmpty, "\(run.unexplainedEpisodes.map(ScenarioRun.describe))")
        try expectSLAMatchesTruth(run)
    }
}
