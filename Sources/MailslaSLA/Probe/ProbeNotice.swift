/// Why a probe line was dropped. A bounded set, so it can be a counter label.
public enum ProbeLineProblem: String, Error, CaseIterable, Sendable, CustomStringConvertible {
    /// Not a JSON object on one line.
    case invalidJSON = "invalid_json"
    case missingTimestamp = "missing_ts"
    /// Not RFC 3339 with an offset.
    case badTimestamp = "bad_ts"
    case missingService = "missing_service"
    case missingOK = "missing_ok"
    /// `ok` not a JSON boolean; in CSV not true/false/1/0.
    case badOK = "bad_ok"
    /// `latency_ms` not a non-negative number.
    case badLatency = "bad_latency"
    /// `error` not a string.
    case badError = "bad_error"
    /// A CSV row with more or fewer fields than its header.
    case columnCount = "column_count"
    /// A CSV field with an unbalanced quote.
    case badQuoting = "bad_quoting"
    /// A CSV source whose first line is not a header naming ts, service and ok.
    case missingHeader = "missing_header"

    public var description: String { rawValue }
}

/// One line worth telling the auditor about, with where it was: the first
/// `ProbeReader.noticeLimit` of them are kept, all are counted.
public struct ProbeNotice: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case malformed(ProbeLineProblem)
        /// Same service and time as an earlier line; `conflicting` when the result differs.
        case duplicate(service: String, conflicting: Bool)
        case outOfOrder(service: String)
    }

    public var source: String
    /// 1-based line number within the source.
    public var line: Int
    public var kind: Kind

    public init(source: String, line: Int, kind: Kind) {
        self.source = source
        self.line = line
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .malformed(let problem): "\(source):\(line): malformed (\(problem))"
        case .duplicate(let service, let conflicting):
            "\(source):\(line): duplicate \(service) test\(conflicting ? " with a different result" : ""), first kept"
        case .outOfOrder(let service): "\(source):\(line): \(service) test out of order, sorted into place"
        }
    }
}
