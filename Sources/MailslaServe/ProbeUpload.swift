import Foundation
import Mailsla
import MailslaSLA

/// One POST /probes body read with the same `ProbeReader` as probe files
/// (JSON lines or CSV with a header), so an upload and a file accept exactly
/// the same lines. Malformed lines are counted by reason and the first few
/// named with their line numbers in the answer; the rest of the body counts.
struct ProbeUpload {
    let results: [ProbeResult]
    let data: ProbeData

    /// `contentType` picks the format when it names one (`text/csv`,
    /// `application/x-ndjson`, `application/jsonl`); otherwise the first line decides.
    init(body: some Collection<UInt8>, contentType: String?) {
        var reader = ProbeReader()
        reader.read(body, source: "body", format: Self.format(contentType))
        let data = reader.finish()
        self.data = data
        results = data.series.keys.sorted().flatMap { service in
            data.series[service]!.tests.map { ProbeResult(service: service, test: $0) }
        }
    }

    static func format(_ contentType: String?) -> ProbeFormat {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case "text/csv": return .csv
        case "application/x-ndjson", "application/jsonl", "application/jsonlines", "application/json-lines": return .jsonLines
        default: return .auto
        }
    }

    /// The answer: what was accepted, dropped and why, as one JSON object.
    func answer(refused: String? = nil) -> String {
        var members: [(String, JSONValue)] = []
        if let refused { members.append(("error", .string(refused))) }
        members += [
            ("accepted", .int(refused == nil ? results.count : 0)),
            ("duplicates", .int(data.counts.duplicates)),
            ("malformed", .int(data.counts.malformedTotal)),
            ("malformed_by_reason", .object(data.counts.malformed.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { ($0.key.rawValue, .int($0.value)) })),
            ("notices", .array(data.notices.map { .string($0.description) })),
        ]
        return JSONValue.object(members).compact() + "\n"
    }
}
