/// A rule as written in a rule file, before compilation.
public struct RuleSpec: Sendable {
    public var id: String
    public var event: String
    public var pattern: String
    /// A cheap prefilter: the message must contain one of these literals before PCRE2 runs.
    public var requires: [String] = []
    public var transforms: [String: FieldTransform]
    public var examples: [RuleExample]
    public var nonMatches: [SourceLine]
    /// Where the rule is, for error messages.
    public var file: String
    public var line: Int
}

/// A positive example: a full log line and the fields it must yield.
public struct RuleExample: Sendable {
    public var line: SourceLine
    public var fields: [String: String]
}

/// A line of text with the rule-file line it was written on.
public struct SourceLine: Sendable {
    public var text: String
    public var line: Int
}

/// A rule file: the programs it applies to, its fragments and its rules.
public struct RuleFileSpec: Sendable {
    public var path: String
    public var programs: [String]
    public var fragments: [String: String]
    public var rules: [RuleSpec]
}

/// A reason map: free text in, a bounded label out.
public struct ReasonMapSpec: Sendable {
    public var name: String
    public var defaultLabel: String
    public var entries: [(regex: String, label: String, line: Int)]
}

/// Everything loaded from a rules directory.
public struct RulePackSpec: Sendable {
    public var directory: String
    public var files: [RuleFileSpec]
    public var fragments: [String: String]
    public var maps: [String: ReasonMapSpec]
    /// Event kinds and field names, with their meanings.
    public var kinds: [String: String]
    public var fields: [String: String]
}

/// How a captured value is turned into the field the event carries.
public enum FieldTransform: Sendable, Equatable {
    case number
    case seconds
    /// `a/b/c/d` into four `delays_*` fields.
    case delays
    case lower
    case map(String)

    public static func parse(_ text: String) -> FieldTransform? {
        switch text {
        case "number": return .number
        case "seconds": return .seconds
        case "delays": return .delays
        case "lower": return .lower
        default:
            guard text.hasPrefix("map("), text.hasSuffix(")") else { return nil }
            let name = String(text.dropFirst(4).dropLast())
            return name.isEmpty ? nil : .map(name)
        }
    }

    /// The four fields `delays` splits into, in order.
    public static let delayFields = ["delays_before_qmgr", "delays_in_qmgr", "delays_connect", "delays_transmit"]
}
