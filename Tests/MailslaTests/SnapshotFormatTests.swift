import Foundation
import Testing
@testable import MailslaCore
import MailslaRules
@testable import Mailsla

/// Damaged, foreign and too-new snapshots are refused with a `SnapshotError`, never a crash;
/// a changed rule pack restores what still applies and counts what it dropped.
@Suite struct SnapshotFormatTests {
    /// A snapshot taken half way through the generated month: open messages, windows and episodes.
    static let middle: [UInt8] = {
        let lines = SnapshotResumeTests.month
        return try! replay(Array(lines.prefix(40_000)), year: 2026, splitAfter: [9]).snapshots[0]
    }()

    static func fresh(_ rules: RuleSet = shippedRules) -> Pipeline { Pipeline(symbols: SymbolTable(), rules: rules) }

    /// The bytes with their checksum recomputed, so the damage reaches the section decoders.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var out = Array(bytes.dropLast(4))
        let sum = CRC32.of(out[...])
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: sum >> UInt32(shift))) }
        return out
    }

    @Test func theMiddleSnapshotHoldsState() throws {
        let document = try SnapshotDocument(Self.middle)
        #expect(document.sectionNames == ["symbols", "input", "classifier", "correlator", "mailflow", "detectors"])
        let pipeline = Self.fresh()
        try pipeline.restore(Self.middle)
        #expect(pipeline.correlator!.openMessages > 10)
        #expect(pipeline.counters.parsed == 20_000)
        #expect(pipeline.symbols.count > 10)
        #expect(pipeline.restoreDrops.isEmpty)
    }

    @Test func truncationsAreRefused() {
        var random = SplitMix64(seed: 42)
        var lengths = Array(0..<64) + [Self.middle.count - 1]
        for _ in 0..<300 { lengths.append(Int.random(in: 0..<Self.middle.count, using: &random)) }
        for n in lengths {
            #expect(throws: SnapshotError.self, "cut at \(n)") { try Self.fresh().restore(Array(Self.middle.prefix(n))) }
        }
    }

    @Test func bitFlipsAreCaughtByTheChecksum() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<300 {
            var bytes = Self.middle
            let i = Int.random(in: 0..<bytes.count, using: &random)
            bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            #expect(throws: SnapshotError.self, "flip at \(i)") { try Self.fresh().restore(bytes) }
        }
    }

    /// Damage that passes the checksum (a hostile or buggy writer) reaches the decoders:
    /// they may accept a changed value, but every count and index is checked, so they never trap.
    @Test func resealedDamageNeverTraps() {
        var random = SplitMix64(seed: 9)
        var refused = 0
        let rounds = 1500
        for round in 0..<rounds {
            var bytes = Array(Self.middle.dropLast(4))
            switch round % 3 {
            case 0:
                let i = Int.random(in: 8..<bytes.count, using: &random)
                bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1:
                for _ in 0..<4 { bytes[Int.random(in: 8..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            default:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            }
            do {
                try Self.fresh().restore(Self.resealed(bytes + [0, 0, 0, 0]))
            } catch is SnapshotError {
                refused += 1
            } catch {
                Issue.record("not a SnapshotError: \(error)")
            }
        }
        #expect(refused > rounds / 3, "most damage is noticed (\(refused) of \(rounds))")
    }

    @Test func foreignAndNewerSnapshotsAreRefusedByName() throws {
        let foreign = Array("SQLite format 3\0 and then some".utf8)
        let error = try #require(throws: SnapshotError.self) { try Self.fresh().restore(foreign) }
        #expect(error.description.contains("not a mailsla snapshot"))
        var newer = Self.middle
        newer[8] = UInt8(SnapshotDocument.version + 1)
        let tooNew = try #require(throws: SnapshotError.self) { try Self.fresh().restore(Self.resealed(newer)) }
        #expect(tooNew.description.contains("format version 2 is not supported"))
    }

    @Test func aUsedPipelineRefusesARestore() throws {
        let pipeline = try replay(Array(SnapshotResumeTests.month.prefix(1000)), year: 2026).pipeline!
        #expect(throws: SnapshotError.self) { try pipeline.restore(Self.middle) }
    }

    @Test func aPipelineWithoutRulesRefusesASnapshotWithThemAndTheOtherWayRound() throws {
        let bare = Pipeline(symbols: SymbolTable())
        try bare.restore(Self.middle)  // only counters apply; the rule stages' sections are skipped
        #expect(bare.counters.parsed == 20_000)
        let noRules = Pipeline(symbols: SymbolTable()).snapshot()
        let error = try #require(throws: SnapshotError.self) { try Self.fresh().restore(noRules) }
        #expect(error.section == "classifier")
    }

    @Test func unknownSectionsAreSkipped() throws {
        var w = SnapshotWriter()
        w.header()
        // The snapshot with an extra section in front of its own.
        w.section("future-extension") { $0.string("ignored"); $0.int(42) }
        var bytes = w.bytes
        bytes += Self.middle[(SnapshotDocument.magic.count + 1)..<(Self.middle.count - 4)]
        bytes += [0, 0, 0, 0]
        let pipeline = Self.fresh()
        try pipeline.restore(Self.resealed(bytes))
        #expect(pipeline.counters.parsed == 20_000)
        var r = try SnapshotDocument(Self.resealed(bytes)).require("future-extension")
        #expect(try r.string() == "ignored")
    }

    /// The shipped rules without `attack.pregreet` (its rules and its kind).
    static let reduced: RuleSet = {
        var spec = shippedRules.spec
        for i in spec.files.indices { spec.files[i].rules.removeAll { $0.event == "attack.pregreet" } }
        spec.kinds["attack.pregreet"] = nil
        return try! RuleSet(spec: spec)
    }()

    @Test func aRulePackMissingARuleRestoresAndCountsIt() throws {
        let dropped = shippedRules.rules.filter { $0.spec.event == "attack.pregreet" }.map(\.id)
        #expect(!dropped.isEmpty)
        let lines = SnapshotResumeTests.month
        let split = try replay(lines, year: 2026, splitAfter: [19], restoreRules: Self.reduced)
        let pipeline = split.pipeline!
        #expect(pipeline.restoreDrops.rules.sorted() == dropped.sorted())
        #expect(pipeline.restoreDrops.kinds["attack.pregreet"] ?? 0 > 0, "remembered pregreet evidence is dropped and counted")
        // The rules that remain kept their counts: the same as a whole run with the reduced rules after the split.
        let kept = shippedRules.rules.firstIndex { $0.id == "postfix-qmgr.removed" || $0.spec.event == "flow.removed" }!
        let id = shippedRules.rules[kept].id
        let whole = SnapshotResumeTests.whole.pipeline!
        let hits = { (p: Pipeline) in p.classifier!.counters.hits[p.classifier!.rules.rules.firstIndex { $0.id == id }!] }
        #expect(hits(pipeline) == hits(whole), "\(id) counted the same across the changed rule pack")
        #expect(pipeline.correlator!.health.received == whole.correlator!.health.received)
        #expect(!split.report.isEmpty)
    }
}
