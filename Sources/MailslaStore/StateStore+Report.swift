import Foundation
import GRDB
import Mailsla
import MailslaSLA

/// Read queries for `mailsla report --state` and the tests: the stored results, by period.
extension StateStore {
    /// The named totals (lines, parsed, `rule:ID` hits, …) over the store's whole life.
    public func counters() throws -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT name, value FROM counter") { out[r[0]] = r[1] }
            return out
        }
    }

    /// The flow minutes in `span` (by the minute's start), by host.
    public func flowMinutes(in span: TimeSpan) throws -> [(FlowMinutes.Key, FlowMinutes.Counts)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT minute, host, received, delivered, bounced, expired, deferred, in_flight, held, discarded, lost,
                    spam, virus, ndn, rejected, deferred_once, latency_count, latency_sum_ms
                FROM flow_minute WHERE minute >= ? AND minute < ? ORDER BY minute, host
                """, arguments: [span.start, span.end]).map { r in
                var c = FlowMinutes.Counts()
                c.received = r[2]; c.delivered = r[3]; c.bounced = r[4]; c.expired = r[5]; c.deferred = r[6]
                c.inFlight = r[7]; c.held = r[8]; c.discarded = r[9]; c.lost = r[10]; c.spam = r[11]; c.virus = r[12]
                c.ndn = r[13]; c.rejected = r[14]; c.deferredOnce = r[15]; c.latencyCount = r[16]; c.latencySumMs = r[17]
                return (FlowMinutes.Key(minute: r[0], host: r[1]), c)
            }
        }
    }

    /// Rejections by reason in `span`.
    public func rejects(in span: TimeSpan) throws -> [(FlowMinutes.RejectKey, Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT minute, reason, count FROM reject_minute WHERE minute >= ? AND minute < ?",
                             arguments: [span.start, span.end]).map { (FlowMinutes.RejectKey(minute: $0[0], reason: $0[1]), $0[2]) }
        }
    }

    /// Episodes that overlap `span`, in start order, numbered E1, E2, … within it as a replay of the period would.
    public func episodes(overlapping span: TimeSpan) throws -> [StoredEpisode] {
        try read { db in
            var episodes: [StoredEpisode] = []
            for r in try Row.fetchAll(db, sql: """
                SELECT key, open, detail FROM episode WHERE start < ? AND "end" >= ? ORDER BY start, kind, host
                """, arguments: [span.end, span.start]) {
                let key: String = r[0]
                let detail: String = r[2]
                guard let object = try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any],
                      var episode = Episode(storedJSON: object) else {
                    throw StoreError(path: path, message: "episode \(key) is stored in a form this mailsla cannot read")
                }
                episode.id = "E\(episodes.count + 1)"
                episodes.append(StoredEpisode(episode, open: r[1]))
            }
            return episodes
        }
    }

    /// Every stored probe result, as the SLA engine takes them.
    public func probeData() throws -> ProbeData {
        try read { db in
            var series: [String: [ProbeTest]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT service, time, ok, latency_ms, error FROM probe_result ORDER BY service, time") {
                series[r[0], default: []].append(ProbeTest(time: r[1], ok: r[2], latencyMs: r[3], error: r[4]))
            }
            var data = ProbeData(series: series.map { ProbeSeries(service: $0.key, tests: $0.value) })
            data.counts.accepted = series.values.reduce(0) { $0 + $1.count }
            data.counts.lines = data.counts.accepted
            return data
        }
    }

    /// The stored incidents that start in `span`.
    public func incidents(in span: TimeSpan) throws -> [StoredIncident] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT service, start, "end", failed_tests, excluded_micros, reasons FROM incident
                WHERE start >= ? AND start < ? ORDER BY start, service
                """, arguments: [span.start, span.end]).map { r in
                let text: String = r[5]
                let reasons = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
                return StoredIncident(service: r[0], start: r[1], end: r[2], failedTests: r[3], excludedMicros: r[4], reasons: reasons)
            }
        }
    }

    /// When the last checkpoint was written (µs since the epoch) and how many there were; nil before the first.
    public func lastCheckpoint() throws -> (time: Int64, sequence: Int64, version: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT written_at, sequence, version FROM checkpoint WHERE id = 1").map { ($0[0], $0[1], $0[2]) }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot read the state database: \(error)")
        }
    }
}
