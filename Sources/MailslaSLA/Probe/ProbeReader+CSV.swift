/// Where each column of a probe CSV sits, taken from its header line.
struct CSVColumns: Sendable {
    let ts: Int, service: Int, ok: Int
    let latency: Int?, error: Int?
    let count: Int

    /// Nil unless the line is a header naming at least ts, service and ok.
    init?(header: ArraySlice<UInt8>) {
        guard let names = csvFields(header)?.map({ $0.lowercased() }),
              let ts = names.firstIndex(of: "ts"), let service = names.firstIndex(of: "service"),
              let ok = names.firstIndex(of: "ok") else { return nil }
        self.ts = ts
        self.service = service
        self.ok = ok
        latency = names.firstIndex(of: "latency_ms")
        error = names.firstIndex(of: "error")
        count = names.count
    }

    func parse(_ line: ArraySlice<UInt8>) -> Result<(String, ProbeTest), ProbeLineProblem> {
        guard let fields = csvFields(line) else { return .failure(.badQuoting) }
        guard fields.count == count else { return .failure(.columnCount) }
        guard !fields[ts].isEmpty else { return .failure(.missingTimestamp) }
        guard let time = RFC3339.micros(fields[ts]) else { return .failure(.badTimestamp) }
        guard !fields[service].isEmpty else { return .failure(.missingService) }
        let ok: Bool
        switch fields[self.ok].lowercased() {
        case "true", "1": ok = true
        case "false", "0": ok = false
        case "": return .failure(.missingOK)
        default: return .failure(.badOK)
        }
        var latencyMs: Double?
        if let latency, !fields[latency].isEmpty {
            guard let v = Double(fields[latency]), v >= 0, v.isFinite else { return .failure(.badLatency) }
            latencyMs = v
        }
        return .success((fields[service], ProbeTest(time: time, ok: ok, latencyMs: latencyMs,
                                                    error: error.map { fields[$0] } ?? "")))
    }
}

/// The fields of one CSV line (RFC 4180: `,` separated, `"` quoted with `""` for a quote).
/// Unquoted fields are trimmed of spaces. Nil when a quote is left open or text follows a closing quote.
func csvFields(_ line: ArraySlice<UInt8>) -> [String]? {
    var fields: [String] = []
    var i = line.startIndex
    while true {
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        if i < line.endIndex, line[i] == UInt8(ascii: "\"") {
            var bytes: [UInt8] = []
            i += 1
            while true {
                guard i < line.endIndex else { return nil }
                if line[i] == UInt8(ascii: "\"") {
                    if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "\"") {
                        bytes.append(line[i])
                        i += 2
                        continue
                    }
                    i += 1
                    break
                }
                bytes.append(line[i])
                i += 1
            }
            while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
            guard i == line.endIndex || line[i] == UInt8(ascii: ",") else { return nil }
            fields.append(String(decoding: bytes, as: UTF8.self))
        } else {
            let end = line[i...].firstIndex(of: UInt8(ascii: ",")) ?? line.endIndex
            var last = end
            while last > i, line[last - 1] == 0x20 || line[last - 1] == 0x09 { last -= 1 }
            fields.append(String(decoding: line[i..<last], as: UTF8.self))
            i = end
        }
        guard i < line.endIndex else { return fields }
        i += 1  // the comma
    }
}
