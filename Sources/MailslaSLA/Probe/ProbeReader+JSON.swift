import Foundation

/// One JSON probe line. Field problems are recorded, not thrown, so each gets its own reason.
///
/// Read through JSONSerialization rather than Decodable: the Decodable form of this type
/// crashed the Swift 6.3 optimizer (CopyPropagation) in release builds.
enum JSONProbeLine {
    /// The service and test of a line, or why it was dropped.
    static func parse(_ line: ArraySlice<UInt8>) -> Result<(String, ProbeTest), ProbeLineProblem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return .failure(.invalidJSON)
        }
        guard let rawTS = object["ts"], !(rawTS is NSNull) else { return .failure(.missingTimestamp) }
        guard let ts = rawTS as? String else { return .failure(.badTimestamp) }
        guard let rawService = object["service"], let service = rawService as? String else {
            return .failure(.missingService)
        }
        guard let rawOK = object["ok"], !(rawOK is NSNull) else { return .failure(.missingOK) }
        guard let ok = bool(rawOK) else { return .failure(.badOK) }
        var latency: Double?
        if let raw = object["latency_ms"], !(raw is NSNull) {
            guard let number = raw as? NSNumber, !isBool(number) else { return .failure(.badLatency) }
            latency = number.doubleValue
        }
        var error = ""
        if let raw = object["error"], !(raw is NSNull) {
            guard let text = raw as? String else { return .failure(.badError) }
            error = text
        }
        guard let time = RFC3339.micros(ts) else { return .failure(.badTimestamp) }
        let name = service.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return .failure(.missingService) }
        if let latency, !(latency >= 0 && latency.isFinite) { return .failure(.badLatency) }
        return .success((name, ProbeTest(time: time, ok: ok, latencyMs: latency, error: error)))
    }

    /// JSON true/false only (not 0/1, not "true").
    private static func bool(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, isBool(number) else { return nil }
        return number.boolValue
    }

    /// JSONSerialization gives booleans as NSNumbers whose type code is `c` (char).
    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
