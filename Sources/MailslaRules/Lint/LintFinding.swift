/// One thing `rules lint` has to say about the pack: where (file, line,
/// rule or fragment, offset in the expanded pattern), how bad, and what to do.
public struct LintFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        /// The pack is refused, or a rule cannot work as written.
        case error
        /// The pack works, but a rule is fragile, slow or unreachable.
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// What was checked; the name shows in the output, e.g. `warning[unanchored]`.
    public enum Check: String, Sendable, CaseIterable {
        /// The loader refused the pack (YAML, unknown key, bad regex, …).
        case load
        /// The pattern does not start at `^`: text an attacker controls can start a match.
        case unanchored
        /// The pattern matches every message: later rules of its programs never run.
        case catchAll = "catch-all"
        /// `.*` right at the start: as loose as an unanchored pattern, and it backtracks over the line.
        case leadingWildcard = "leading-wildcard"
        /// A repeated group whose repetitions can split the text in many ways.
        case nestedQuantifier = "nested-quantifier"
        /// An unbounded run of one class that backtracks byte by byte over a long line (`[^\r\n]*\)$`, `[^>]*?>?$`).
        case backtrackingRun = "backtracking-run"
        /// Every example of the rule is taken by an earlier rule of the same program.
        case shadowed
        /// The rule captures attacker-controlled text (sender, recipient, HELO, …) and has no `non_matches`.
        case noNonMatches = "no-non-matches"
    }

    public var severity: Severity
    public var check: Check
    public var file: String
    public var line: Int?
    public var ruleID: String?
    /// For a finding inside a fragment: its name (and `file` is where it is defined).
    public var fragment: String?
    public var message: String
    /// Where in the expanded pattern (or the fragment) the finding is.
    public var patternOffset: Int?

    public init(severity: Severity, check: Check, file: String, line: Int? = nil, ruleID: String? = nil,
                fragment: String? = nil, message: String, patternOffset: Int? = nil) {
        self.severity = severity
        self.check = check
        self.file = file
        self.line = line
        self.ruleID = ruleID
        self.fragment = fragment
        self.message = message
        self.patternOffset = patternOffset
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let ruleID { place += " rule \(ruleID)" }
        if let fragment { place += " fragment \(fragment)" }
        var text = "\(place): \(severity.rawValue)[\(check.rawValue)]: \(message)"
        if let patternOffset { text += " (at offset \(patternOffset) of the \(fragment == nil ? "expanded pattern" : "fragment"))" }
        return text
    }
}

/// Everything `rules lint` found, with the counts its exit status depends on.
public struct LintReport: Sendable {
    public var findings: [LintFinding]
    /// Rules checked (0 when the pack was refused).
    public var rules: Int

    public init(findings: [LintFinding], rules: Int) {
        self.findings = findings
        self.rules = rules
    }

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }

    /// Passed: no errors, and with `strict` no warnings either.
    public func passed(strict: Bool) -> Bool { errors == 0 && (!strict || warnings == 0) }
}
