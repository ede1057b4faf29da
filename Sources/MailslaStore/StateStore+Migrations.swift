import GRDB

extension StateStore {
    /// The schema, step by step. A shipped migration is never edited: a change
    /// is a new migration with a new name, so every existing database can follow.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-26 state v1") { db in
            // One row: the last checkpoint. `sequence` counts checkpoints taken.
            try db.execute(sql: """
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    snapshot BLOB NOT NULL,
                    written_at INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    sequence INTEGER NOT NULL
                );
                -- In the follower's order: a name's rotated files before its current one.
                CREATE TABLE file_position (
                    seq INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    fingerprint INTEGER NOT NULL,
                    fingerprint_length INTEGER NOT NULL,
                    offset INTEGER NOT NULL
                );
                CREATE TABLE journal_cursor (
                    source TEXT PRIMARY KEY,
                    cursor TEXT NOT NULL
                );
                CREATE TABLE flow_minute (
                    minute INTEGER NOT NULL,
                    host TEXT NOT NULL,
                    received INTEGER NOT NULL DEFAULT 0,
                    delivered INTEGER NOT NULL DEFAULT 0,
                    bounced INTEGER NOT NULL DEFAULT 0,
                    expired INTEGER NOT NULL DEFAULT 0,
                    deferred INTEGER NOT NULL DEFAULT 0,
                    in_flight INTEGER NOT NULL DEFAULT 0,
                    held INTEGER NOT NULL DEFAULT 0,
                    discarded INTEGER NOT NULL DEFAULT 0,
                    lost INTEGER NOT NULL DEFAULT 0,
                    spam INTEGER NOT NULL DEFAULT 0,
                    virus INTEGER NOT NULL DEFAULT 0,
                    ndn INTEGER NOT NULL DEFAULT 0,
                    rejected INTEGER NOT NULL DEFAULT 0,
                    deferred_once INTEGER NOT NULL DEFAULT 0,
                    latency_count INTEGER NOT NULL DEFAULT 0,
                    latency_sum_ms INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (minute, host)
                ) WITHOUT ROWID;
                CREATE TABLE reject_minute (
                    minute INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (minute, reason)
                ) WITHOUT ROWID;
                CREATE TABLE counter (
                    name TEXT PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                -- key = kind/host/start: stable while ids (E1, E2, … in start order) are renumbered.
                CREATE TABLE episode (
                    key TEXT PRIMARY KEY,
                    id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    host TEXT NOT NULL,
                    start INTEGER NOT NULL,
                    "end" INTEGER NOT NULL,
                    open INTEGER NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX episode_time ON episode (start, "end");
                CREATE TABLE probe_result (
                    service TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    ok INTEGER NOT NULL,
                    latency_ms REAL,
                    error TEXT NOT NULL,
                    source TEXT NOT NULL,
                    PRIMARY KEY (service, time)
                ) WITHOUT ROWID;
                CREATE TABLE incident (
                    service TEXT NOT NULL,
                    start INTEGER NOT NULL,
                    "end" INTEGER NOT NULL,
                    failed_tests INTEGER NOT NULL,
                    excluded_micros INTEGER NOT NULL,
                    reasons TEXT NOT NULL,
                    PRIMARY KEY (service, start)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-27 probe file positions") { db in
            // Followed probe result files (`sources.probes`) keep their positions beside the log files'.
            try db.execute(sql: "ALTER TABLE file_position ADD COLUMN kind TEXT NOT NULL DEFAULT 'log'")
        }
        return migrator
    }
}
