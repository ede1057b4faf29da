import Foundation
import GRDB
import Testing
@testable import Mailsla
@testable import MailslaStore
import MailslaSLA

/// A fresh directory for one test's database files.
func storeDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-store-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

let minute: Int64 = 60_000_000
let nov1: Int64 = 1_793_491_200_000_000   // 2026-11-01T00:00:00Z

func episode(_ id: String, start: Int64, end: Int64) -> Episode {
    Episode(id: id, kind: .connFlood, host: "mx1", start: start, end: end,
            topOffenders: [Offender(key: "203.0.113.7", type: "ip", count: 90)], targets: [],
            evidence: [EvidenceCount(kind: "attack.pregreet", count: 90)],
            minutes: [MinuteCount(minute: start, count: 90)], elidedMinutes: 0, elidedEvents: 0,
            openedBy: "203.0.113.7: 60 in 60 s", closedBy: "5 min quiet", hotKeys: 1)
}

func checkpoint(_ n: Int, lines: Int, at minuteStart: Int64, offset: Int64) -> Checkpoint {
    var c = Checkpoint(snapshot: Array("snapshot \(n)".utf8), time: Int64(n), version: "test")
    c.files = [StoredFilePosition(path: "/var/log/mail.log", device: 64769, inode: 1234, fingerprint: 0xfeed, fingerprintLength: 3, offset: offset)]
    c.journalCursors = ["journal": "s=cursor\(n)"]
    c.counterDeltas = ["lines": lines, "rule:postfix.smtpd.connect": lines / 2]
    var counts = FlowMinutes.Counts()
    counts.received = lines
    counts.delivered = lines - 1
    c.flow.counts[FlowMinutes.Key(minute: minuteStart, host: "mx1")] = counts
    c.flow.rejectsByReason[FlowMinutes.RejectKey(minute: minuteStart, reason: "rbl")] = 2
    return c
}

@Suite struct StateStoreTests {
    @Test func aCommittedCheckpointIsWhatARestartLoads() throws {
        let dir = storeDirectory()
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try StateStore(path: path)
            #expect(try store.load() == nil)
            try store.commit(checkpoint(1, lines: 10, at: nov1, offset: 1000))
            try store.commit(checkpoint(2, lines: 5, at: nov1, offset: 1500))
        }
        let reopened = try StateStore(path: path)
        let state = try #require(try reopened.load())
        #expect(state.snapshot == Array("snapshot 2".utf8))
        #expect(state.sequence == 2)
        #expect(state.files == [StoredFilePosition(path: "/var/log/mail.log", device: 64769, inode: 1234, fingerprint: 0xfeed, fingerprintLength: 3, offset: 1500)])
        #expect(state.journalCursors == ["journal": "s=cursor2"])
        // Results are added up checkpoint after checkpoint.
        #expect(try reopened.counters() == ["lines": 15, "rule:postfix.smtpd.connect": 7])
        let minutes = try reopened.flowMinutes(in: TimeSpan(start: nov1, end: nov1 + minute))
        #expect(minutes.count == 1)
        #expect(minutes.first?.1.received == 15)
        #expect(minutes.first?.1.delivered == 13)
        #expect(try reopened.rejects(in: TimeSpan(start: nov1, end: nov1 + minute)).map(\.1) == [4])
        // WAL mode and full syncs are what the durability argument rests on.
        let (mode, sync) = try reopened.db.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
        #expect(mode == "wal")
        #expect(sync == 2)
    }

    @Test func filePositionsAreReplacedAsASet() throws {
        let store = try StateStore(path: storeDirectory().appendingPathComponent("s.db").path)
        var c = checkpoint(1, lines: 1, at: nov1, offset: 10)
        c.files.append(StoredFilePosition(path: "/var/log/mail.log.1", device: 1, inode: 2, fingerprint: 0, fingerprintLength: 0, offset: 99))
        try store.commit(c)
        try store.commit(checkpoint(2, lines: 1, at: nov1, offset: 20))
        #expect(try store.load()?.files.map(\.path) == ["/var/log/mail.log"])
    }

    @Test func episodesAreReplacedByIdAndProbeDuplicatesCounted() throws {
        let store = try StateStore(path: storeDirectory().appendingPathComponent("s.db").path)
        var c = checkpoint(1, lines: 1, at: nov1, offset: 1)
        c.episodes = [StoredEpisode(episode("E1", start: nov1, end: nov1 + minute), open: true)]
        c.probes = [StoredProbeResult(service: "smtp-in", test: ProbeTest(time: nov1, ok: true, latencyMs: 41), source: "post")]
        try store.commit(c)
        var d = checkpoint(2, lines: 1, at: nov1, offset: 2)
        // Renumbered E2 by the detectors (an earlier one appeared), still the same episode.
        d.episodes = [StoredEpisode(episode("E2", start: nov1, end: nov1 + 9 * minute), open: false)]
        d.probes = [StoredProbeResult(service: "smtp-in", test: ProbeTest(time: nov1, ok: false), source: "post"),
                    StoredProbeResult(service: "smtp-in", test: ProbeTest(time: nov1 + 5 * minute, ok: false), source: "post")]
        let result = try store.commit(d)
        #expect(result.duplicateProbes == 1)
        let found = try store.episodes(overlapping: TimeSpan(start: nov1, end: nov1 + 60 * minute))
        #expect(found == [StoredEpisode(episode("E1", start: nov1, end: nov1 + 9 * minute), open: false)])
        let probes = try store.probeData()
        #expect(probes.series["smtp-in"]?.tests.map(\.ok) == [true, false])
        #expect(probes.series["smtp-in"]?.tests.first?.latencyMs == 41)
    }

    /// A crash in the middle of a commit: the files as they are on disk at that
    /// moment (copied while the transaction is open, its pages already spilled
    /// into the WAL) open as the previous checkpoint, whole.
    @Test func aCheckpointInterruptedMidTransactionLeavesThePreviousOne() throws {
        let dir = storeDirectory()
        let path = dir.appendingPathComponent("state.db").path
        let store = try StateStore(path: path)
        try store.commit(checkpoint(1, lines: 10, at: nov1, offset: 1000))
        let walBefore = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as! Int
        struct Crash: Error {}
        var big = checkpoint(2, lines: 7, at: nov1, offset: 2000)
        // Larger than SQLite's page cache, so the transaction's pages reach the WAL file before the commit.
        big.snapshot = [UInt8](repeating: 0xAB, count: 8 << 20)
        let crashed = dir.appendingPathComponent("crashed")
        try FileManager.default.createDirectory(at: crashed, withIntermediateDirectories: true)
        var walDuring = 0
        #expect(throws: Crash.self) {
            try store.db.write { db in
                _ = try StateStore.write(big, in: db)
                walDuring = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as! Int
                for suffix in ["", "-wal"] {
                    try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed.appendingPathComponent("state.db" + suffix).path)
                }
                throw Crash()
            }
        }
        #expect(walDuring > walBefore + (4 << 20), "the uncommitted pages were on disk")
        let recovered = try StateStore(path: crashed.appendingPathComponent("state.db").path)
        let state = try #require(try recovered.load())
        #expect(state.snapshot == Array("snapshot 1".utf8))
        #expect(state.files.first?.offset == 1000)
        #expect(try recovered.counters()["lines"] == 10)
        #expect(try recovered.flowMinutes(in: TimeSpan(start: nov1, end: nov1 + minute)).first?.1.received == 10)
        // The store that rolled back goes on from the same checkpoint too.
        #expect(try store.load()?.sequence == 1)
    }

    @Test func readingRefusesAMissingFileAndANewerSchema() throws {
        let dir = storeDirectory()
        #expect(throws: StoreError.self) { try StateStore(readingFrom: dir.appendingPathComponent("none.db").path) }
        let path = dir.appendingPathComponent("s.db").path
        let store = try StateStore(path: path)
        try store.db.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01 from the future')")
        }
        let error = #expect(throws: StoreError.self) { try StateStore(readingFrom: path) }
        #expect(error?.message.contains("newer mailsla") == true)
    }

    @Test func theReportTakesOnlyTheMonthsMinutesAndEpisodes() throws {
        let store = try StateStore(path: storeDirectory().appendingPathComponent("s.db").path)
        var october = checkpoint(1, lines: 4, at: nov1 - 10 * minute, offset: 1)
        october.episodes = [StoredEpisode(episode("E1", start: nov1 - 20 * minute, end: nov1 - 10 * minute), open: false)]
        try store.commit(october)
        var november = checkpoint(2, lines: 6, at: nov1 + 10 * minute, offset: 2)
        november.episodes = [StoredEpisode(episode("E2", start: nov1 + 5 * minute, end: nov1 + 15 * minute), open: true)]
        try store.commit(november)
        let utc = TimeZone(identifier: "UTC")!
        let reader = try StateStore(readingFrom: store.path)
        let result = try StoredReport(store: reader, agreement: Agreement(policy: SLAPolicy(), period: .month(year: 2026, month: 11, in: utc), timeZone: utc)).result()
        #expect(result.flow?.received == 6)
        #expect(result.flow?[.delivered] == 5)
        #expect(result.flow?.rejectedByReason == ["rbl": 2])
        #expect(result.episodes?.episodes.map(\.start) == [nov1 + 5 * minute])
        #expect(result.episodes?.episodes.map(\.id) == ["E1"])
        #expect(result.counters.lines == 10)
        let json = ReplayReport(result: result, timeZoneName: "UTC").json().rendered()
        #expect(json.contains("\"received\": 6"))
    }
}

@Suite struct StateStoreLockTests {
    @Test func aSecondWriterIsRefusedUntilTheFirstCloses() throws {
        let path = storeDirectory().appendingPathComponent("s.db").path
        var first: StateStore? = try StateStore(path: path)
        let error = #expect(throws: StoreError.self) { try StateStore(path: path) }
        #expect(error?.message.contains("another mailsla tail") == true)
        // Readers (report --state) are not writers: they may read while tail runs.
        #expect(try StateStore(readingFrom: path).load() == nil)
        _ = first
        first = nil
        #expect(throws: Never.self) { try StateStore(path: path) }
    }
}
