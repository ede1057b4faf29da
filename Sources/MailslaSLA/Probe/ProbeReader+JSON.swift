import Foundation

/// One JSON probe line. Field problems are recorded, not thrown, so each gets its own reason.
struct JSONProbeLine: Decodable {
    private(set) var problem: ProbeLineProblem?
    private(set) var service = ""
    private(set) var test = ProbeTest(time: 0, ok: false)

    enum Keys: String, CodingKey {
        case ts, service, ok
        case latency = "latency_ms"
        case error
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        func value<T: Decodable>(_ type: T.Type, _ key: Keys, missing: ProbeLineProblem?, bad: ProbeLineProblem) -> T? {
            guard problem == nil else { return nil }
            do {
                if let v = try c.decodeIfPresent(type, forKey: key) { return v }
                problem = missing
            } catch {
                problem = bad
            }
            return nil
        }
        let ts = value(String.self, .ts, missing: .missingTimestamp, bad: .badTimestamp)
        let service = value(String.self, .service, missing: .missingService, bad: .missingService)
        let ok = value(Bool.self, .ok, missing: .missingOK, bad: .badOK)
        let latency = value(Double.self, .latency, missing: nil, bad: .badLatency)
        let error = value(String.self, .error, missing: nil, bad: .badError)
        guard problem == nil, let ts, let service, let ok else { return }
        guard let time = RFC3339.micros(ts) else { problem = .badTimestamp; return }
        let name = service.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { problem = .missingService; return }
        if let latency, !(latency >= 0 && latency.isFinite) { problem = .badLatency; return }
        self.service = name
        test = ProbeTest(time: time, ok: ok, latencyMs: latency, error: error ?? "")
    }

    /// The service and test of a line, or why it was dropped.
    static func parse(_ line: ArraySlice<UInt8>) -> Result<(String, ProbeTest), ProbeLineProblem> {
        guard let decoded = try? JSONDecoder().decode(JSONProbeLine.self, from: Data(line)) else {
            return .failure(.invalidJSON)
        }
        if let problem = decoded.problem { return .failure(problem) }
        return .success((decoded.service, decoded.test))
    }
}
