import MailslaCore
import MailslaRules

/// What a restore left out because the rules changed since the snapshot:
/// never an error, but worth a log line.
public struct SnapshotDrops: Sendable, Equatable {
    /// Ids of rules the snapshot counted that the rule pack no longer has.
    public var rules: [String] = []
    /// Detector state (remembered events, episode tallies) dropped, per event kind the rule pack no longer has.
    public var kinds: [String: Int] = [:]

    public init() {}

    public var isEmpty: Bool { rules.isEmpty && kinds.isEmpty }
}

extension Pipeline {
    /// Everything later batches depend on or the report shows: counters, classifier counters, correlator,
    /// mailflow monitor, detectors (open windows and episodes), the symbol table's contents.
    /// Configuration (rules, settings) is not in it: it comes from the pipeline a snapshot is restored into.
    /// Take it at a batch boundary (between `process` calls).
    public func snapshot() -> [UInt8] {
        var w = SnapshotWriter()
        w.header()
        w.section("symbols") { symbols.snapshot(into: &$0) }
        w.section("input") { counters.snapshot(into: &$0) }
        if let classifier { w.section("classifier") { classifier.snapshot(into: &$0) } }
        if let correlator { w.section("correlator") { correlator.snapshot(into: &$0) } }
        if let mailflow { w.section("mailflow") { mailflow.snapshot(into: &$0) } }
        if let detectors { w.section("detectors") { detectors.snapshot(into: &$0) } }
        w.seal()
        return w.bytes
    }

    /// Loads a snapshot into a freshly made pipeline (same rules/settings, nothing processed yet).
    /// Throws `SnapshotError` with a clear message on a bad/foreign/too-new snapshot; after a throw
    /// the pipeline may be partly loaded and must be discarded. State of rules or event kinds the
    /// rule pack no longer has is dropped and listed in `restoreDrops`.
    public func restore(_ snapshot: [UInt8]) throws {
        guard counters.parsed == 0, counters.lines == 0, correlator?.health.received ?? 0 == 0 else {
            throw SnapshotError(section: "header", offset: 0, "restore needs a pipeline that has processed nothing")
        }
        let document = try SnapshotDocument(snapshot)
        var r = try document.require("symbols")
        let names = try symbols.readSnapshot(&r)
        r = try document.require("input")
        let input = try InputCounters(snapshot: &r, symbols: names.count)
        var drops = SnapshotDrops()
        var classified: ClassifierCounters?
        if let classifier {
            r = try section(document, "classifier")
            let (counters, dropped) = try classifier.readSnapshot(&r, symbols: names.count)
            classified = counters
            drops.rules = dropped
        }
        var monitor = mailflow
        if monitor != nil {
            r = try section(document, "mailflow")
            try monitor!.restore(&r)
        }
        // The correlator and the detectors load in place once they have read all of their section.
        if let correlator {
            r = try section(document, "correlator")
            try correlator.restore(&r, symbols: names.count)
        }
        if let detectors {
            r = try section(document, "detectors")
            drops.kinds = try detectors.restore(&r, symbols: names.count)
        }
        try symbols.apply(names)
        counters = input
        if let classified { classifier!.restore(counters: classified) }
        mailflow = monitor
        restoreDrops = drops
    }

    private func section(_ document: SnapshotDocument, _ name: String) throws -> SnapshotReader {
        guard let reader = document.section(name) else {
            throw SnapshotError(section: name, offset: 0, "the snapshot was taken without rules; this pipeline has them")
        }
        return reader
    }
}
