/// Why a rule pack was refused: which file, which line, which rule, and for
/// a pattern the offset of the error inside the expanded pattern.
public struct RuleError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    public let ruleID: String?
    public let message: String
    /// For a pattern that does not compile: where PCRE2 stopped, in the expanded pattern.
    public let patternOffset: Int?

    public init(file: String, line: Int? = nil, ruleID: String? = nil, message: String, patternOffset: Int? = nil) {
        self.file = file
        self.line = line
        self.ruleID = ruleID
        self.message = message
        self.patternOffset = patternOffset
    }

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let ruleID { where_ += " rule \(ruleID)" }
        var text = "\(where_): \(message)"
        if let patternOffset { text += " (at offset \(patternOffset) of the expanded pattern)" }
        return text
    }
}

/// Several refusals at once, so an author fixes them in one go.
public struct RulePackErrors: Error, CustomStringConvertible, Sendable {
    public let errors: [RuleError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
