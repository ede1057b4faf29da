#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailslaCore
import MailslaRules

/// The `detect` stage: turns classified events into attack episodes
/// (connection floods, brute force, mail bombs, resource exhaustion, SYN
/// floods), each with a start, an end, its offenders and its evidence.
///
/// A synchronous state machine fed with the same batches as the flow
/// correlator, on event time. Allow-listed clients and names never count.
/// Memory is bounded: every key table has a capacity and evicts with a
/// counter, each episode keeps bounded tallies. Cost: a few array and hash
/// lookups per evidence event; other events cost one array read.
public final class Detectors {
    public let settings: DetectionSettings
    let symbols: SymbolTable
    let rules: RuleSet
    var engine: DetectEngine

    /// `filterAddresses` are the flow's content-filter addresses: trusted, and
    /// a delivery to them is a hand-off, not a message for the recipient.
    public init(rules: RuleSet, symbols: SymbolTable, settings: DetectionSettings = DetectionSettings(),
                filterAddresses: Set<String> = []) {
        self.settings = settings
        self.symbols = symbols
        self.rules = rules
        engine = DetectEngine(rules: rules, symbols: symbols, settings: settings, filterAddresses: filterAddresses)
    }

    /// Feeds one classified batch.
    public func consume(_ batch: RecordBatch, _ events: EventBatch) {
        engine.consume(batch, events)
    }

    /// The input ended: every open episode closes at its last evidence.
    public func finish() {
        engine.finish()
    }

    var connFlood: Detector { engine.connFlood }
    var authBruteforce: Detector { engine.authBruteforce }
    var mailbomb: Detector { engine.mailbomb }
    var all: [Detector] { engine.all }

    // MARK: results

    /// The episodes found so far (all of them after `finish`), numbered E1, E2, … in start order.
    public var result: DetectionResult {
        var found: [FinishedEpisode] = all.flatMap(\.finished)
        if !engine.finished {
            // Episodes still open are shown up to their last evidence.
            for detector in all {
                for episode in detector.open {
                    found.append(FinishedEpisode(episode, kind: detector.kind, closedBy: "still open",
                                                 hotKeys: episode.hot.count))
                }
            }
        }
        found.sort { a, b in
            if a.start != b.start { return a.start < b.start }
            if a.kind != b.kind { return a.kind < b.kind }
            return symbols.name(Symbol(raw: a.host)) < symbols.name(Symbol(raw: b.host))
        }
        let n = settings.topOffenders
        let episodes = found.enumerated().map { i, f in
            Episode(id: "E\(i + 1)", kind: f.kind, host: symbols.name(Symbol(raw: f.host)), start: f.start, end: f.end,
                    topOffenders: f.offenders.top(n) { $0.type.name }, targets: f.targets.top(n) { $0.type.name },
                    evidence: f.evidence.enumerated().filter { $0.element > 0 }
                        .map { EvidenceCount(kind: rules.kinds[$0.offset], count: $0.element) }.sorted { $0.kind < $1.kind },
                    minutes: f.minutes.entries, elidedMinutes: f.minutes.elidedMinutes,
                    elidedEvents: f.minutes.elidedEvents, openedBy: f.openedBy, closedBy: f.closedBy,
                    hotKeys: f.hotKeys)
        }
        return DetectionResult(episodes: episodes, stats: stats)
    }

    public var stats: DetectionStats {
        var s = DetectionStats()
        s.allowListed = engine.allowListed
        for detector in all {
            for table in detector.tables {
                s.evictedKeys += table.evicted
                s.expiredKeys += table.expired
                s.keys += table.count
            }
            s.droppedEvents += detector.droppedEvents
            s.saturatedKeys += detector.saturatedKeys
            s.droppedEpisodes += detector.droppedEpisodes
        }
        s.invalidAllowListEntries = engine.allow.invalid
        return s
    }
}

/// Queue files and deliveries seen recently, in fixed memory: a
/// direct-mapped table of 64-bit hashes. A collision forgets the older
/// entry, so a repeat may now and then count twice; it never grows. The
/// table comes from calloc, so pages the run never touches cost nothing.
struct SeenSet {
    final class Storage {
        let slots: UnsafeMutablePointer<UInt64>
        init(count: Int) {
            slots = calloc(count, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
        }
        deinit { free(slots) }
    }

    let storage: Storage
    let mask: Int

    init(bits: Int) {
        storage = Storage(count: 1 << bits)
        mask = (1 << bits) - 1
    }

    func contains(_ h: UInt64) -> Bool { storage.slots[Int(truncatingIfNeeded: h) & mask] == h }

    /// Records `h`; false when it was already there.
    @discardableResult
    func insert(_ h: UInt64) -> Bool {
        let i = Int(truncatingIfNeeded: h) & mask
        if storage.slots[i] == h { return false }
        storage.slots[i] = h
        return true
    }
}

/// One event's captures read straight from the batch: no references held,
/// so reading an event costs no reference counting.
struct RawEvent {
    let event: ClassifiedEvent
    let captures: UnsafeBufferPointer<Capture>
    let bytes: UnsafeBufferPointer<UInt8>

    /// The bytes of `field`, or nil when the rule has no such field or did not capture it.
    @inline(__always)
    func bytes(_ field: UInt16?) -> UnsafeBufferPointer<UInt8>? {
        guard let field else { return nil }
        let first = Int(event.firstCapture)
        for i in first..<first + Int(event.captureCount) where captures[i].field == field {
            return UnsafeBufferPointer(rebasing: bytes[Int(captures[i].start)..<Int(captures[i].end)])
        }
        return nil
    }

    func text(_ field: UInt16?) -> String? { bytes(field).map { String(decoding: $0, as: UTF8.self) } }
}
