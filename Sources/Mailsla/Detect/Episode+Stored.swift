import Foundation

extension Episode {
    /// The episode as a JSON object of plain values, for the state database
    /// (`mailsla tail`). Explicit, not Codable: the release optimizer of 6.3.1
    /// crashed on a Decodable init in this project.
    public var storedJSON: [String: Any] {
        func offenders(_ list: [Offender]) -> [[String: Any]] {
            list.map { ["key": $0.key, "type": $0.type, "count": $0.count] }
        }
        return [
            "id": id, "kind": kind.rawValue, "host": host, "start": start, "end": end,
            "top_offenders": offenders(topOffenders), "targets": offenders(targets),
            "evidence": evidence.map { ["kind": $0.kind, "count": $0.count] },
            "minutes": minutes.map { ["minute": $0.minute, "count": $0.count] },
            "elided_minutes": elidedMinutes, "elided_events": elidedEvents,
            "opened_by": openedBy, "closed_by": closedBy, "hot_keys": hotKeys,
        ]
    }

    /// Reads what `storedJSON` wrote; nil when a key is missing or has the wrong type.
    public init?(storedJSON object: [String: Any]) {
        func int(_ key: String, in o: [String: Any]) -> Int? { (o[key] as? NSNumber)?.intValue }
        func int64(_ key: String, in o: [String: Any]) -> Int64? { (o[key] as? NSNumber)?.int64Value }
        func offenders(_ key: String) -> [Offender]? {
            guard let list = object[key] as? [[String: Any]] else { return nil }
            var out: [Offender] = []
            for o in list {
                guard let k = o["key"] as? String, let t = o["type"] as? String, let c = int("count", in: o) else { return nil }
                out.append(Offender(key: k, type: t, count: c))
            }
            return out
        }
        guard let id = object["id"] as? String, let kindName = object["kind"] as? String,
              let kind = EpisodeKind(rawValue: kindName), let host = object["host"] as? String,
              let start = int64("start", in: object), let end = int64("end", in: object),
              let top = offenders("top_offenders"), let targets = offenders("targets"),
              let evidenceList = object["evidence"] as? [[String: Any]],
              let minuteList = object["minutes"] as? [[String: Any]],
              let openedBy = object["opened_by"] as? String, let closedBy = object["closed_by"] as? String
        else { return nil }
        var evidence: [EvidenceCount] = []
        for e in evidenceList {
            guard let k = e["kind"] as? String, let c = int("count", in: e) else { return nil }
            evidence.append(EvidenceCount(kind: k, count: c))
        }
        var minutes: [MinuteCount] = []
        for m in minuteList {
            guard let t = int64("minute", in: m), let c = int("count", in: m) else { return nil }
            minutes.append(MinuteCount(minute: t, count: c))
        }
        self.init(id: id, kind: kind, host: host, start: start, end: end, topOffenders: top, targets: targets,
                  evidence: evidence, minutes: minutes, elidedMinutes: int("elided_minutes", in: object) ?? 0,
                  elidedEvents: int("elided_events", in: object) ?? 0, openedBy: openedBy, closedBy: closedBy,
                  hotKeys: int("hot_keys", in: object) ?? 0)
    }
}

extension DetectionResult {
    /// Episodes read back from the state database; the bounds' counters are not stored per period.
    public init(storedEpisodes episodes: [Episode]) {
        self.init(episodes: episodes, stats: DetectionStats())
    }
}
