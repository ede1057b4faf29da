/// Why a line could not be parsed. A bounded set, so it can be a counter label.
public enum MalformedReason: Int, CaseIterable, Sendable, CustomStringConvertible {
    case empty
    case unknownTimestamp
    case badTimestamp
    case noHost
    case noProgram

    public var description: String {
        switch self {
        case .empty: "empty"
        case .unknownTimestamp: "unknown_timestamp"
        case .badTimestamp: "bad_timestamp"
        case .noHost: "no_host"
        case .noProgram: "no_program"
        }
    }
}
