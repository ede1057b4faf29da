import Foundation
import Testing
import MailslaCore
import MailslaSLA
@testable import Mailsla
@testable import MailslaCorpus

/// The generator's scenarios on their own: deterministic, counted exactly in
/// the truth, every injected line classified by the shipped rules, probe
/// files that read back as written.
@Suite("Scenario generator")
struct ScenarioGeneratorTests {
    /// Three days, light background, every attack and look-alike.
    static func small(seed: UInt64 = 3, format: CorpusFormat = .rfc3164, probes: ProbeOptions? = ProbeOptions()) -> CorpusOptions {
        var options = CorpusOptions(seed: seed, lines: 20_000, days: 4, format: format)
        options.scenarios = ScenarioOptions(attacks: ScenarioOptions.allAttacks, lookalikes: LookalikeKind.allCases, probes: probes)
        return options
    }

    @Test("the same options give the same bytes and truth")
    func deterministic() throws {
        let a = try CorpusWriter.generate(Self.small())
        let b = try CorpusWriter.generate(Self.small())
        #expect(a.bytes == b.bytes)
        #expect(a.truth == b.truth)
        let c = try CorpusWriter.generate(Self.small(seed: 4))
        #expect(a.truth.attacks?.map(\.startMicros) != c.truth.attacks?.map(\.startMicros))
    }

    @Test("without scenarios the corpus is byte for byte what it was; probe options alone change no log line")
    func backgroundUnchanged() throws {
        var plain = CorpusOptions(seed: 3, lines: 20_000, days: 4)
        let before = try CorpusWriter.generate(plain)
        plain.scenarios.probes = ProbeOptions()
        let withProbes = try CorpusWriter.generate(plain)
        #expect(before.bytes == withProbes.bytes)
        #expect(before.truth.attacks == nil && withProbes.truth.attacks == [])
        #expect(withProbes.truth.incidents?.isEmpty == false)
    }

    @Test("scenario lines come on top of --lines, and the truth counts every one")
    func linesAreCounted() throws {
        let options = Self.small()
        let (bytes, truth) = try CorpusWriter.generate(options)
        let injected = (truth.attacks ?? []).reduce(0) { $0 + $1.lines } + (truth.lookalikes ?? []).reduce(0) { $0 + $1.lines }
        #expect(injected > 0)
        #expect(truth.lines == options.lines + injected)
        #expect(bytes.filter { $0 == 0x0A }.count == truth.lines)
        #expect(truth.byProgram["kernel"] == truth.attacks?.first { $0.kind == "syn_flood" }?.lines)
        #expect(truth.byProgram["postfix/master"] == truth.attacks?.first { $0.kind == "resource_exhaustion" }?.lines)
        // The mail bomb's messages are in the message truth like any other: one inbound message each to the victim.
        let bomb = try #require(truth.attacks?.first { $0.kind == "mailbomb" })
        let toVictim = truth.messages.filter { $0.kind == "inbound" && $0.recipients.map(\.to) == [bomb.offender] }
        #expect(toVictim.count >= bomb.events)
    }

    @Test("the truth file decodes back to the same truth", arguments: [CorpusFormat.rfc3164, .rfc3339])
    func truthRoundTrip(format: CorpusFormat) throws {
        let (_, truth) = try CorpusWriter.generate(Self.small(format: format))
        let decoded = try JSONDecoder().decode(CorpusTruth.self, from: Data(truth.jsonBytes()))
        #expect(decoded == truth)
        #expect(decoded.availability?["server"] != nil)
    }

    @Test("every line a scenario writes is classified by the shipped rules, as the event the detectors read")
    func everyInjectedLineIsClassified() throws {
        var simulator = try MailSimulator(options: Self.small())
        var formatter = CorpusLineFormatter(format: .rfc3164, seed: 3, start: simulator.options.start)
        var injected: [String] = []
        while let line = simulator.next() {
            guard simulator.steps[Int(line.step)].kind == .scenario else { continue }
            var out = ByteWriter(capacity: 512)
            formatter.write(line, from: simulator, into: &out)
            injected.append(String(decoding: out.bytes.dropLast(), as: UTF8.self))
        }
        #expect(injected.count > 1000)
        let (_, pipeline) = runPipeline(injected)
        let classifier = try #require(pipeline.classifier)
        #expect(classifier.counters.unmatched == 0, "unmatched: \(classifier.counters.unmatchedByProgram)")
        var kinds: [String: Int] = [:]
        for (i, hits) in classifier.counters.hits.enumerated() where hits > 0 {
            kinds[shippedRules.kinds[Int(shippedRules.rules[i].kind)], default: 0] += hits
        }
        for kind in ["screen.connect", "attack.pregreet", "attack.dnsbl", "attack.hangup", "attack.lost_connection",
                     "smtp.connect", "auth.failure", "dos.syn_flood", "dos.process_limit"] {
            #expect((kinds[kind] ?? 0) > 0, "no \(kind) among the injected lines: \(kinds)")
        }
    }

    @Test("probe files in JSON lines and CSV read back as the tests written", arguments: ProbeFileFormat.allCases)
    func probeFilesReadBack(format: ProbeFileFormat) throws {
        let writer = try ProbeWriter(options: Self.small())
        var reader = ProbeReader()
        reader.read(writer.bytes(format: format), source: "generated")
        let data = reader.finish()
        #expect(data.counts.malformedTotal == 0 && data.counts.duplicates == 0 && data.counts.outOfOrder == 0)
        for (s, service) in ProbeOptions.services.enumerated() {
            let series = try #require(data.series[service])
            #expect(series.tests.map(\.time) == writer.tests[s].map(\.time))
            #expect(series.tests.map(\.ok) == writer.tests[s].map(\.ok))
        }
        let config = try ConfigLoader.parse(writer.configYAML, path: "generated")
        #expect(config.sla.maintenance.map(\.reason) == [ProbeWriter.maintenanceReason])
    }

    @Test("an attack given a start and a length starts there and lasts that long")
    func explicitAttack() throws {
        var options = CorpusOptions(seed: 5, lines: 5000, days: 2)
        options.scenarios.attacks = [try AttackSpec(parsing: "auth-fast@2026-11-01T12:00:00Z/10m")]
        let (_, truth) = try CorpusWriter.generate(options)
        let attack = try #require(truth.attacks?.first)
        #expect(attack.start == "2026-11-01T12:00:00Z")
        #expect(attack.endMicros - attack.startMicros <= 10 * 60_000_000 + 2_000_000)
        #expect(attack.endMicros - attack.startMicros >= 9 * 60_000_000)
    }

    @Test("options that cannot work are refused with what to change")
    func refused() throws {
        #expect(throws: CorpusError.self) { try AttackSpec(parsing: "teardrop") }
        #expect(throws: CorpusError.self) { try AttackSpec(parsing: "conn-flood@yesterday") }
        #expect(throws: CorpusError.self) { try AttackSpec(parsing: "conn-flood/soon") }
        // Three 8-hour attacks with an hour between them do not fit in one day's 22 usable hours.
        var crowded = CorpusOptions(seed: 1, lines: 1000, days: 1)
        crowded.scenarios.attacks = Array(repeating: AttackSpec(kind: .authSlow), count: 3)
        #expect(throws: CorpusError.self) { _ = try CorpusWriter.generate(crowded).truth.lines }
        var late = CorpusOptions(seed: 1, lines: 1000, days: 1)
        late.scenarios.attacks = [AttackSpec(kind: .mailbomb, start: late.end - 60_000_000)]
        #expect(throws: CorpusError.self) { try late.validate() }
    }
}
