import Foundation
import Testing
import MailslaCore
import MailslaRules
@testable import Mailsla
@testable import MailslaCorpus

/// The property `mailsla tail` rests on: processing a log in one pipeline
/// equals processing it in pieces, moving from pipeline to pipeline through
/// `snapshot()` and `restore()` at batch boundaries.
@Suite struct SnapshotResumeTests {
    /// A generated month with attacks and a content filter.
    static let month: [Substring] = {
        var options = scenarioMonth(seed: 5, lines: 80_000, probes: nil)
        options.days = 30
        let (bytes, _) = try! CorpusWriter.generate(options)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }()

    static let whole = try! replay(month, year: 2026)

    static func expectSame(_ a: SnapshotReplay, _ b: SnapshotReplay, _ what: String) {
        #expect(a.records.count == b.records.count, "\(what): record count")
        let firstDiff = a.records.indices.first { $0 < b.records.count && a.records[$0] != b.records[$0] }
        #expect(firstDiff == nil, "\(what): first different record \(firstDiff.map { "\($0): \(a.records[$0]) vs \(b.records[$0])" } ?? "")")
        #expect(a.report == b.report, "\(what): report JSON")
        #expect(a.pipeline.detectors?.result == b.pipeline.detectors?.result, "\(what): episodes")
        #expect(a.pipeline.classifier?.counters.hits == b.pipeline.classifier?.counters.hits, "\(what): rule hits")
        #expect(a.final == b.final, "\(what): final state")
    }

    @Test func theMonthIsWorthSplitting() {
        let p = Self.whole.pipeline!
        #expect(p.detectors!.result.episodes.count >= 3, "the month should have attacks")
        #expect(p.correlator!.health.filterLinks > 1000, "the month should go through a content filter")
        #expect(Self.whole.records.count > 5000)
    }

    @Test(arguments: [1, 2, 3])
    func generatedMonthResumesExactly(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let chunks = (Self.month.count + 1999) / 2000
        let splits = Set((0..<4).map { _ in Int.random(in: 0..<chunks - 1, using: &random) })
        let split = try replay(Self.month, year: 2026, splitAfter: splits)
        #expect(split.snapshots.count == splits.count)
        Self.expectSame(Self.whole, split, "split after chunks \(splits.sorted())")
    }

    @Test func generatedMonthResumesAtEveryBoundary() throws {
        let split = try replay(Self.month, year: 2026, chunk: 5000, splitAfter: Set(0..<100))
        Self.expectSame(try replay(Self.month, year: 2026, chunk: 5000), split, "split after every chunk")
    }

    @Test(arguments: [
        ("pixelpark-postfix-logsums/test/mail-2023-03-14.log.xz", 2023),
        ("fail2ban/fail2ban/tests/files/logs/postfix", 2026),
        ("modoboa/modoboa/maillog/tests/mail.log", 2026),
        ("maillogsentinel/docs/dataset/sample_sasl.log", 2026),
    ])
    func corpusFileResumesExactly(file: String, year: Int) throws {
        // modoboa's test log is a template: its day is a placeholder.
        let text = try corpusText(file).replacingOccurrences(of: "%(day)s", with: "Mar 14")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let chunk = max(10, lines.count / 12)
        let whole = try replay(lines, year: year, chunk: chunk)
        #expect(whole.pipeline.classifier!.counters.classified > 0, "\(file) has events")
        if file.contains("pixelpark") { #expect(whole.records.count > 50) }
        let split = try replay(lines, year: year, chunk: chunk, splitAfter: Set(0..<20))
        #expect(split.snapshots.count >= 10)
        Self.expectSame(whole, split, file)
    }
}
