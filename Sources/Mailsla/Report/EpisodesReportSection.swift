import Foundation
import MailslaCore

/// The `episodes` section of the report contract (../shared/REPORT.md), the
/// same episodes as JSON lines (`--episodes FILE`) and as text ("attacks").
///
/// Each episode carries the contract's keys (id, kind, host, start, end,
/// top_offenders, evidence), then what explains it: its targets, how many
/// keys were hot, what opened and closed it, and its evidence per minute.
public struct EpisodesReportSection {
    public let result: DetectionResult

    public init(result: DetectionResult) { self.result = result }

    /// `episodes` and `detection` (what the bounds cut), to append to the report's members.
    public func members() -> [(String, JSONValue)] {
        [("episodes", .array(result.episodes.map { json($0) })), ("detection", statsJSON())]
    }

    /// One episode as an object: the contract's keys first, then its explanation.
    public func json(_ e: Episode) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(e.id)),
            ("kind", .string(e.kind.rawValue)),
            ("host", .string(e.host)),
            ("start", .string(time(e.start))),
            ("end", .string(time(e.end))),
            ("top_offenders", .array(e.topOffenders.map(offenderJSON))),
            ("evidence", .object(e.evidence.map { ($0.kind, .int($0.count)) })),
            ("minutes_long", .double((e.minutesLong * 1000).rounded() / 1000)),
        ]
        if !e.targets.isEmpty { members.append(("targets", .array(e.targets.map(offenderJSON)))) }
        members += [
            ("hot_keys", .int(e.hotKeys)),
            ("opened_by", .string(e.openedBy)),
            ("closed_by", .string(e.closedBy)),
            ("minutes", .array(e.minutes.map { .object([("minute", .string(time($0.minute))), ("count", .int($0.count))]) })),
        ]
        if e.elidedMinutes > 0 {
            members.append(("elided_minutes", .int(e.elidedMinutes)))
            members.append(("elided_events", .int(e.elidedEvents)))
        }
        return .object(members)
    }

    private func offenderJSON(_ o: Offender) -> JSONValue {
        .object([("key", .string(o.key)), ("count", .int(o.count)), ("type", .string(o.type))])
    }

    private func statsJSON() -> JSONValue {
        let s = result.stats
        return .object([
            ("allow_listed_events", .int(s.allowListed)),
            ("keys", .int(s.keys)),
            ("evicted_keys", .int(s.evictedKeys)),
            ("expired_keys", .int(s.expiredKeys)),
            ("dropped_events", .int(s.droppedEvents)),
            ("saturated_keys", .int(s.saturatedKeys)),
            ("dropped_episodes", .int(s.droppedEpisodes)),
            ("invalid_allow_list_entries", .array(s.invalidAllowListEntries.map { .string($0) })),
        ])
    }

    /// One JSON object per episode and line, in id order (`--episodes FILE`).
    public func jsonLines() -> String {
        result.episodes.map { json($0).compact() + "\n" }.joined()
    }

    /// Writes `jsonLines()` to `path`, or to standard output for `-`. Throws `OutputError` naming the path.
    public func writeLines(to path: String) throws {
        try OutputFile(path: path).write(Array(jsonLines().utf8))
    }

    /// The "attacks" lines of the summary: one per episode.
    public func text() -> String {
        var out = "attacks\n"
        if result.episodes.isEmpty {
            out += "  none detected\n"
        }
        for e in result.episodes {
            out += "  " + e.id.padding(toLength: max(4, e.id.count), withPad: " ", startingAt: 0)
            out += " " + e.kind.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)
            out += " \(e.host)  \(time(e.start)) … \(time(e.end))"
            out += String(format: " (%.0f min)", e.minutesLong.rounded(.up))
            let offenders = e.topOffenders.prefix(3).map { "\($0.key) \(group($0.count))" }
            if !offenders.isEmpty { out += "  by " + offenders.joined(separator: ", ") }
            if e.topOffenders.count > 3 { out += ", …" }
            let evidence = e.evidence.sorted { $0.count > $1.count }.prefix(3).map { "\($0.kind) \(group($0.count))" }
            out += "  evidence " + (evidence.isEmpty ? "-" : evidence.joined(separator: ", ")) + "\n"
        }
        let s = result.stats
        if s.evictedKeys > 0 || s.droppedEvents > 0 || s.droppedEpisodes > 0 {
            out += "  bounds      \(group(s.evictedKeys)) keys evicted, \(group(s.droppedEvents)) events not counted,"
            out += " \(group(s.droppedEpisodes)) episodes dropped\n"
        }
        if !s.invalidAllowListEntries.isEmpty {
            out += "  allow-list  ignored (not an address or network): " + s.invalidAllowListEntries.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// The per-minute evidence of one episode, for a person asking why it opened and closed.
    public func explain(_ id: String) -> String? {
        guard let e = result.episodes.first(where: { $0.id == id }) else { return nil }
        var out = "\(e.id) \(e.kind.rawValue) on \(e.host), \(time(e.start)) … \(time(e.end))\n"
        out += "  opened: \(e.openedBy)\n  closed: \(e.closedBy)\n"
        let peak = e.minutes.map(\.count).max() ?? 0
        for (i, m) in e.minutes.enumerated() {
            if e.elidedMinutes > 0, i == e.minutes.count / 2 {
                out += "  … \(e.elidedMinutes) minutes (\(group(e.elidedEvents)) events) left out\n"
            }
            let bar = peak > 0 ? String(repeating: "#", count: max(1, m.count * 40 / peak)) : ""
            out += "  \(time(m.minute)) \(String(group(m.count)).leftPadded(to: 7)) \(bar)\n"
        }
        return out
    }

    private func time(_ micros: Int64) -> String { TimeFormat.rfc3339(micros: micros) }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
