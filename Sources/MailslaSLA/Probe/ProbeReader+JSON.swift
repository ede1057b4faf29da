import Foundation

/// One JSON probe line. Field problems are recorded, not thrown, so each gets its own reason.
///
/// A line that is one flat object of plain ASCII strings, numbers and literals (what every
/// probe writer emits) is read by `FlatJSONObject`; any other line goes through
/// JSONSerialization, which decides what it holds. Both give the same `Fields`, and one
/// function judges them, so a line has one outcome whichever reader took it. The scanner is
/// there for speed: through JSONSerialization alone a month of 30-second probes of six
/// services (518,000 lines) took ~6 s, several times the replay of the month's logs.
/// (Not Decodable: that form crashed the Swift 6.3 optimizer in release builds.)
enum JSONProbeLine {
    /// A JSON value as the probe fields need it.
    enum Value: Equatable {
        case string(String), number(Double), bool(Bool), null
        /// An array or an object.
        case nested
    }

    /// The keys a probe line may set.
    enum Field: CaseIterable {
        case ts, service, ok, latency, error

        var key: String {
            switch self {
            case .ts: "ts"
            case .service: "service"
            case .ok: "ok"
            case .latency: "latency_ms"
            case .error: "error"
            }
        }

        /// The field a key's bytes name; nil for a key probes do not use.
        init?(_ key: UnsafeBufferPointer<UInt8>) {
            // The length and first byte tell the five apart; the bytes confirm.
            let field: Field
            switch (key.count, key.first) {
            case (2, UInt8(ascii: "t")): field = .ts
            case (7, UInt8(ascii: "s")): field = .service
            case (2, UInt8(ascii: "o")): field = .ok
            case (10, UInt8(ascii: "l")): field = .latency
            case (5, UInt8(ascii: "e")): field = .error
            default: return nil
            }
            guard field.key.utf8.elementsEqual(key) else { return nil }
            self = field
        }
    }

    /// The fields a probe line set; nil for an absent key.
    struct Fields: Equatable {
        var ts: Value?, service: Value?, ok: Value?, latency: Value?, error: Value?

        subscript(field: Field) -> Value? {
            get {
                switch field {
                case .ts: ts
                case .service: service
                case .ok: ok
                case .latency: latency
                case .error: error
                }
            }
            set {
                switch field {
                case .ts: ts = newValue
                case .service: service = newValue
                case .ok: ok = newValue
                case .latency: latency = newValue
                case .error: error = newValue
                }
            }
        }
    }

    /// The service and test of a line, or why it was dropped.
    static func parse(_ line: ArraySlice<UInt8>) -> Result<(String, ProbeTest), ProbeLineProblem> {
        guard let fields = FlatJSONObject.fields(line) ?? foundationFields(line) else { return .failure(.invalidJSON) }
        return judge(fields)
    }

    /// The fields as JSONSerialization reads the line; nil when it is not a JSON object.
    static func foundationFields(_ line: ArraySlice<UInt8>) -> Fields? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
        var fields = Fields()
        for field in Field.allCases {
            guard let raw = object[field.key] else { continue }
            fields[field] = value(raw)
        }
        return fields
    }

    private static func value(_ raw: Any) -> Value {
        if raw is NSNull { return .null }
        if let text = raw as? String { return .string(text) }
        if let number = raw as? NSNumber {
            // JSONSerialization gives booleans as NSNumbers whose type code is `c` (char).
            return String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        }
        return .nested
    }

    /// The outcome of a line's fields: JSON true/false only for `ok` (not 0/1, not "true").
    static func judge(_ f: Fields) -> Result<(String, ProbeTest), ProbeLineProblem> {
        guard let rawTS = f.ts, rawTS != .null else { return .failure(.missingTimestamp) }
        guard case .string(let ts) = rawTS else { return .failure(.badTimestamp) }
        guard case .string(let service)? = f.service else { return .failure(.missingService) }
        guard let rawOK = f.ok, rawOK != .null else { return .failure(.missingOK) }
        guard case .bool(let ok) = rawOK else { return .failure(.badOK) }
        var latency: Double?
        if let raw = f.latency, raw != .null {
            guard case .number(let number) = raw else { return .failure(.badLatency) }
            latency = number
        }
        var error = ""
        if let raw = f.error, raw != .null {
            guard case .string(let text) = raw else { return .failure(.badError) }
            error = text
        }
        guard let time = RFC3339.micros(ts) else { return .failure(.badTimestamp) }
        let name = trimmingWhitespace(service)
        guard !name.isEmpty else { return .failure(.missingService) }
        if let latency, !(latency >= 0 && latency.isFinite) { return .failure(.badLatency) }
        return .success((name, ProbeTest(time: time, ok: ok, latencyMs: latency, error: error)))
    }

    /// `text.trimmingCharacters(in: .whitespaces)`, without Foundation's NSString round trip for
    /// the usual name, which starts and ends with a printable ASCII byte other than space.
    static func trimmingWhitespace(_ text: String) -> String {
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return text
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
