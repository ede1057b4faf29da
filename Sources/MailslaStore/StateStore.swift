import Foundation
import GRDB
import Mailsla

/// The state database of `mailsla tail`: one SQLite file (GRDB) that holds the
/// last checkpoint and every result the checkpoints covered.
///
/// Durability: the file is in WAL mode with `synchronous = FULL`. WAL with
/// `NORMAL` already survives `kill -9` (a commit is in the WAL, in the OS's
/// page cache, before `commit` returns), but on power loss or a kernel crash
/// it may roll back the last commits. Positions and state roll back together,
/// so log lines would simply be re-read; but probe results accepted over HTTP
/// exist nowhere else, and the client was told they were stored. `FULL` syncs
/// the WAL at every commit: one `fsync` per checkpoint (every 2 s by default),
/// a cost that does not matter here.
public final class StateStore {
    public let path: String
    let db: DatabaseQueue
    /// The writer's lock file (`PATH.lock`), held while the store is open for writing.
    private var lock: Int32 = -1

    /// Opens (creating and migrating) the database for writing.
    /// Throws `StoreError` naming the file when it cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        lock = try Self.lockForWriting(path)
        var config = GRDB.Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(5)
        do {
            db = try DatabaseQueue(path: path, configuration: config)
            // After the open: GRDB sets NORMAL when it turns WAL on. One connection, so this holds.
            try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(db)
        } catch {
            throw StoreError(path: path, message: "cannot open the state database: \(error)")
        }
    }

    /// Opens an existing database for reading only (`report --state`), while a
    /// running `tail` may go on writing it. Refuses a database this version does
    /// not know all migrations of.
    public init(readingFrom path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(path: path, message: "no such state database (give the `store` of the tail configuration)")
        }
        var config = GRDB.Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        do {
            db = try DatabaseQueue(path: path, configuration: config)
            let applied = try db.read { try Self.migrator.appliedIdentifiers($0) }
            let known = Set(Self.migrator.migrations)
            if let unknown = applied.subtracting(known).sorted().first {
                throw StoreError(path: path, message: "written by a newer mailsla (migration '\(unknown)'): upgrade mailsla to read it")
            }
            if applied.isEmpty { throw StoreError(path: path, message: "not a mailsla state database (no migrations applied)") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot read the state database: \(error)")
        }
    }

    deinit {
        if lock >= 0 { close(lock) }
    }

    /// Two writers would each count the same lines: the second one is refused. The lock is
    /// `flock(2)` on `PATH.lock`, which the kernel releases when the process dies, even by `kill -9`.
    private static func lockForWriting(_ path: String) throws -> Int32 {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(path: path, message: "cannot create the lock file \(path).lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(path: path, message: "another mailsla tail is using this state database (\(path).lock is locked); stop it first")
        }
        return fd
    }

    /// What a commit found worth counting.
    public struct CommitResult: Sendable, Equatable {
        /// Probe results already stored for the same service and instant (the first one is kept).
        public var duplicateProbes = 0
    }

    /// Writes one checkpoint — positions, snapshot and the results of the lines
    /// it covers — in a single transaction. Either all of it is stored or none.
    @discardableResult
    public func commit(_ checkpoint: Checkpoint) throws -> CommitResult {
        do {
            return try db.write { db in try Self.write(checkpoint, in: db) }
        } catch {
            throw StoreError(path: path, message: "cannot write the checkpoint: \(error)")
        }
    }

    static func write(_ c: Checkpoint, in db: Database) throws -> CommitResult {
        var result = CommitResult()
        try db.execute(sql: """
            INSERT INTO checkpoint (id, snapshot, written_at, version, sequence) VALUES (1, ?, ?, ?, 1)
            ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, written_at = excluded.written_at,
                version = excluded.version, sequence = sequence + 1
            """, arguments: [Data(c.snapshot), c.time, c.version])
        try db.execute(sql: "DELETE FROM file_position")
        let file = try db.cachedStatement(sql: """
            INSERT INTO file_position (seq, kind, path, device, inode, fingerprint, fingerprint_length, offset)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let kinds = c.files.map { ("log", $0) } + c.probeFiles.map { ("probes", $0) }
        for (seq, (kind, p)) in kinds.enumerated() {
            try file.execute(arguments: [seq, kind, p.path, Int64(bitPattern: p.device), Int64(bitPattern: p.inode),
                                         Int64(bitPattern: p.fingerprint), p.fingerprintLength, p.offset])
        }
        let cursor = try db.cachedStatement(sql: "INSERT OR REPLACE INTO journal_cursor (source, cursor) VALUES (?, ?)")
        for (source, value) in c.journalCursors { try cursor.execute(arguments: [source, value]) }

        let flow = try db.cachedStatement(sql: """
            INSERT INTO flow_minute (minute, host, received, delivered, bounced, expired, deferred, in_flight, held, discarded,
                lost, spam, virus, ndn, rejected, deferred_once, latency_count, latency_sum_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (minute, host) DO UPDATE SET received = received + excluded.received,
                delivered = delivered + excluded.delivered, bounced = bounced + excluded.bounced,
                expired = expired + excluded.expired, deferred = deferred + excluded.deferred,
                in_flight = in_flight + excluded.in_flight, held = held + excluded.held,
                discarded = discarded + excluded.discarded, lost = lost + excluded.lost, spam = spam + excluded.spam,
                virus = virus + excluded.virus, ndn = ndn + excluded.ndn, rejected = rejected + excluded.rejected,
                deferred_once = deferred_once + excluded.deferred_once,
                latency_count = latency_count + excluded.latency_count,
                latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms
            """)
        for (k, v) in c.flow.counts {
            try flow.execute(arguments: [k.minute, k.host, v.received, v.delivered, v.bounced, v.expired, v.deferred,
                                         v.inFlight, v.held, v.discarded, v.lost, v.spam, v.virus, v.ndn, v.rejected,
                                         v.deferredOnce, v.latencyCount, v.latencySumMs])
        }
        let reject = try db.cachedStatement(sql: """
            INSERT INTO reject_minute (minute, reason, count) VALUES (?, ?, ?)
            ON CONFLICT (minute, reason) DO UPDATE SET count = count + excluded.count
            """)
        for (k, n) in c.flow.rejectsByReason { try reject.execute(arguments: [k.minute, k.reason, n]) }
        let counter = try db.cachedStatement(sql: """
            INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
            """)
        for (name, delta) in c.counterDeltas where delta != 0 { try counter.execute(arguments: [name, delta]) }

        let episode = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO episode (key, id, kind, host, start, "end", open, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for stored in c.episodes {
            let e = stored.episode
            let detail = try JSONSerialization.data(withJSONObject: e.storedJSON, options: [.sortedKeys])
            try episode.execute(arguments: [stored.key, e.id, e.kind.rawValue, e.host, e.start, e.end, stored.open,
                                            String(decoding: detail, as: UTF8.self)])
        }
        let probe = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO probe_result (service, time, ok, latency_ms, error, source) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for p in c.probes {
            try probe.execute(arguments: [p.service, p.test.time, p.test.ok, p.test.latencyMs, p.test.error, p.source])
            if db.changesCount == 0 { result.duplicateProbes += 1 }
        }
        if let incidents = c.incidents {
            try db.execute(sql: "DELETE FROM incident WHERE start >= ? AND start < ?",
                           arguments: [incidents.period.start, incidents.period.end])
            let incident = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO incident (service, start, "end", failed_tests, excluded_micros, reasons) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for i in incidents.list {
                let reasons = try JSONSerialization.data(withJSONObject: i.reasons)
                try incident.execute(arguments: [i.service, i.start, i.end, i.failedTests, i.excludedMicros,
                                                 String(decoding: reasons, as: UTF8.self)])
            }
        }
        return result
    }

    /// The last checkpoint, or nil for a new database (first start).
    public func load() throws -> StoredState? {
        do {
            return try db.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT snapshot, written_at, version, sequence FROM checkpoint WHERE id = 1") else {
                    return nil
                }
                let rows = try Row.fetchAll(db, sql: """
                    SELECT kind, path, device, inode, fingerprint, fingerprint_length, offset FROM file_position ORDER BY seq
                    """).map { r -> (String, StoredFilePosition) in
                    (r[0], StoredFilePosition(path: r[1], device: UInt64(bitPattern: r[2]), inode: UInt64(bitPattern: r[3]),
                                              fingerprint: UInt64(bitPattern: r[4]), fingerprintLength: r[5], offset: r[6]))
                }
                let files = rows.filter { $0.0 == "log" }.map(\.1)
                var cursors: [String: String] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT source, cursor FROM journal_cursor") { cursors[r[0]] = r[1] }
                return StoredState(snapshot: [UInt8](row[0] as Data), time: row[1], version: row[2], sequence: row[3],
                                   files: files, probeFiles: rows.filter { $0.0 == "probes" }.map(\.1), journalCursors: cursors)
            }
        } catch {
            throw StoreError(path: path, message: "cannot read the last checkpoint: \(error)")
        }
    }
}
