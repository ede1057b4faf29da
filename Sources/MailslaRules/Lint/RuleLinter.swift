import Foundation
import MailslaCore

/// Checks a rule pack beyond what loading refuses: patterns that are not
/// anchored, that match everything, that start with `.*`, that nest
/// quantifiers or backtrack byte by byte over a long line; rules whose examples an earlier rule takes; rules that
/// capture attacker-controlled text and never say what they must not match.
/// Backs `mailsla rules lint`.
///
/// Findings inside a shared fragment are reported once, at the fragment.
/// Cost: one parse per pattern and one match per example and earlier rule:
/// milliseconds for a pack of a few hundred rules.
public struct RuleLinter {
    public let rules: RuleSet

    /// Captured fields whose text the remote side chooses; `NAME` or `prefix_NAME`.
    public static let attackerControlledFields = ["sender", "recipient", "helo", "sasl_username", "subject"]

    public init(rules: RuleSet) { self.rules = rules }

    /// Loads the pack in `directory` and lints it; a refused pack gives one error finding per refusal.
    public static func lint(directory: String) -> LintReport {
        do {
            let rules = try RuleSet(directory: directory)
            return LintReport(findings: RuleLinter(rules: rules).lint(), rules: rules.rules.count)
        } catch let refused as RulePackErrors {
            return LintReport(findings: refused.errors.map {
                LintFinding(severity: .error, check: .load, file: $0.file, line: $0.line, ruleID: $0.ruleID,
                            message: $0.message, patternOffset: $0.patternOffset)
            }, rules: 0)
        } catch {
            return LintReport(findings: [LintFinding(severity: .error, check: .load, file: directory, message: "\(error)")],
                              rules: 0)
        }
    }

    /// Every finding, errors first, then by file and line.
    public func lint() -> [LintFinding] {
        var findings: [LintFinding] = []
        var fragmentFindings: [FragmentKey: (LintFinding, [String])] = [:]
        for rule in rules.rules {
            findings += lintPattern(of: rule, fragmentFindings: &fragmentFindings)
            findings += lintNonMatches(of: rule)
        }
        for (_, (finding, users)) in fragmentFindings {
            var f = finding
            f.message += " (used by \(Self.list(users)))"
            findings.append(f)
        }
        findings += lintMaps()
        findings += shadowed()
        return findings.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            if a.file != b.file { return a.file < b.file }
            if (a.line ?? 0) != (b.line ?? 0) { return (a.line ?? 0) < (b.line ?? 0) }
            return (a.fragment ?? "", a.check.rawValue) < (b.fragment ?? "", b.check.rawValue)
        }
    }

    struct FragmentKey: Hashable {
        var file: String
        var check: LintFinding.Check
        var name: String
        var offset: Int
    }

    // MARK: - Pattern shape

    func lintPattern(of rule: CompiledRule, fragmentFindings: inout [FragmentKey: (LintFinding, [String])]) -> [LintFinding] {
        let spec = rule.spec
        let file = rules.spec.files[rule.fileIndex]
        let expander = PatternExpander(fileFragments: file.fragments, packFragments: rules.spec.fragments)
        guard let compiled = try? expander.expand(spec.pattern) else { return [] }
        // The map of fragments, unless the engine's expansion has moved on from this copy of it.
        let expanded = MappedExpansion(spec.pattern, fileFragments: file.fragments, packFragments: rules.spec.fragments)
            .flatMap { $0.text == compiled ? $0 : nil } ?? MappedExpansion(unmapped: compiled)
        var out: [LintFinding] = []
        func finding(_ severity: LintFinding.Severity, _ check: LintFinding.Check, _ message: String, offset: Int? = nil) {
            out.append(LintFinding(severity: severity, check: check, file: spec.file, line: spec.line, ruleID: spec.id,
                                   message: message, patternOffset: offset))
        }
        let syntax = PatternSyntax(expanded.text)
        if !syntax.isAnchored {
            finding(.warning, .unanchored,
                    "the pattern does not start with ^, so text an attacker controls can start a match: anchor it where the daemon writes")
        }
        if syntax.matchesEverything {
            finding(.warning, .catchAll,
                    "the pattern matches every message, so no later rule of \(Self.list(file.programs)) ever runs: "
                        + "make it specific or move it to the end of the pack")
        } else if let wildcard = syntax.leadingWildcard {
            finding(.warning, .leadingWildcard,
                    "'\(syntax.text(wildcard.range))' at the start accepts any text before the daemon's words "
                        + "and backtracks over the whole line: start with the daemon's own words",
                    offset: wildcard.range.lowerBound)
        }
        // A shape inside a fragment is reported once, at the fragment.
        func shape(_ check: LintFinding.Check, _ message: String, at range: Range<Int>) {
            if let piece = expanded.piece(containing: range) {
                let fragmentFile = piece.packLevel
                    ? (rules.spec.directory as NSString).appendingPathComponent("fragments.yaml") : spec.file
                let key = FragmentKey(file: fragmentFile, check: check, name: piece.name, offset: range.lowerBound - piece.range.lowerBound)
                var entry = fragmentFindings[key] ?? (LintFinding(severity: .warning, check: check, file: fragmentFile,
                                                                  fragment: piece.name, message: message,
                                                                  patternOffset: key.offset), [])
                if !entry.1.contains(spec.id) { entry.1.append(spec.id) }
                fragmentFindings[key] = entry
            } else {
                finding(.warning, check, message, offset: range.lowerBound)
            }
        }
        for nested in syntax.nestedQuantifiers {
            shape(.nestedQuantifier, "nested quantifier '\(syntax.text(nested.outer.range))': its repetitions can split the text "
                + "in many ways ('\(syntax.text(nested.inner.range))' overlaps what follows it), so a line that fails "
                + "late backtracks exponentially; make the parts disjoint (a separator the repeated part cannot match) "
                + "or use a possessive quantifier (*+, ++) or an atomic group", at: nested.outer.range)
        }
        for run in syntax.backtrackingRuns {
            let text = syntax.text(run.range)
            shape(.backtrackingRun, "'\(text)' " + (run.lazy
                ? "grows one byte per step" : "can take the bytes that must follow it, so it runs to the end of the line and gives them back one by one")
                + ": on a 64 KiB line that fails late every byte is a step against the match limit, and every earlier choice repeats the walk; "
                + "read the text once with a possessive run ('*+') or a tempered loop such as '(?:[^x]++|x(?!rest))*+'", at: run.range)
        }
        return out
    }

    /// Reason-map regexes are searched (unanchored by design) but can still nest quantifiers.
    func lintMaps() -> [LintFinding] {
        var out: [LintFinding] = []
        let file = (rules.spec.directory as NSString).appendingPathComponent("fragments.yaml")
        for (name, map) in rules.spec.maps.sorted(by: { $0.key < $1.key }) {
            for entry in map.entries {
                let syntax = PatternSyntax(entry.regex)
                for nested in syntax.nestedQuantifiers {
                    out.append(LintFinding(severity: .warning, check: .nestedQuantifier, file: file, line: entry.line,
                                           message: "map \(name), label \(entry.label): nested quantifier '\(syntax.text(nested.outer.range))' "
                                               + "can backtrack exponentially: make its parts disjoint or possessive",
                                           patternOffset: nested.outer.range.lowerBound))
                }
            }
        }
        return out
    }

    // MARK: - Attacker-controlled captures

    func lintNonMatches(of rule: CompiledRule) -> [LintFinding] {
        guard rule.spec.nonMatches.isEmpty else { return [] }
        let risky = rule.pattern.groups.map(\.name).filter(Self.isAttackerControlled).sorted()
        guard !risky.isEmpty else { return [] }
        return [LintFinding(severity: .warning, check: .noNonMatches, file: rule.spec.file, line: rule.spec.line,
                            ruleID: rule.id,
                            message: "captures \(risky.joined(separator: ", ")), which the remote side chooses, but has no "
                                + "non_matches: add a line where that text imitates the rest of the message "
                                + "(e.g. a sender of '>, status=sent (') and must not match")]
    }

    static func isAttackerControlled(_ field: String) -> Bool {
        attackerControlledFields.contains { field == $0 || field.hasSuffix("_" + $0) }
    }

    // MARK: - Shadowed rules

    /// Rules each of whose examples is matched first by an earlier rule that the same program tries.
    func shadowed() -> [LintFinding] {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        let matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        var candidates: [String: [Int]] = [:]
        var out: [LintFinding] = []
        for (index, rule) in rules.rules.enumerated() where !rule.spec.examples.isEmpty {
            var by: [String] = []
            var every = true
            for example in rule.spec.examples {
                let line = Array(example.line.text.utf8)
                let winner: Int? = line.withUnsafeBufferPointer { all -> Int? in
                    guard case .record(let record) = parser.parse(all), let base = all.baseAddress else { return nil }
                    let program = symbols.name(record.program)
                    let list = candidates[program] ?? rules.ruleIndices(forProgram: program)
                    candidates[program] = list
                    guard let position = list.firstIndex(of: index) else { return nil }
                    let message = base + Int(record.messageStart)
                    let length = Int(record.messageEnd - record.messageStart)
                    return list[..<position].first { matcher.match(rules.rules[$0].pattern, message, length) == .match }
                }
                if let winner {
                    if !by.contains(rules.rules[winner].id) { by.append(rules.rules[winner].id) }
                } else {
                    every = false
                }
            }
            if every {
                out.append(LintFinding(severity: .warning, check: .shadowed, file: rule.spec.file, line: rule.spec.line,
                                       ruleID: rule.id,
                                       message: "never reached: every example is matched first by \(Self.list(by)), which the same "
                                           + "program tries earlier; make that rule narrower or move this one before it"))
            }
        }
        return out
    }

    static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more"
    }
}

/// A pattern with its fragments pasted in, remembering where each fragment
/// (and each fragment inside a fragment) landed, so that a finding inside
/// one is reported once, at the fragment. Expands as `PatternExpander`
/// does; the linter falls back to an unmapped expansion if the two differ.
struct MappedExpansion {
    struct Piece {
        var range: Range<Int>
        var name: String
        /// From fragments.yaml rather than the rule file.
        var packLevel: Bool
    }

    let text: String
    let pieces: [Piece]
    /// Fragments inside fragments, as deep as the engine allows.
    static let maxDepth = 8

    init(unmapped text: String) {
        self.text = text
        pieces = []
    }

    init?(_ pattern: String, fileFragments: [String: String], packFragments: [String: String]) {
        var pieces: [Piece] = []
        guard let text = Self.expand(pattern, fileFragments, packFragments, base: 0, depth: 0, pieces: &pieces) else { return nil }
        self.text = text
        self.pieces = pieces
    }

    private static func expand(_ pattern: String, _ fileFragments: [String: String], _ packFragments: [String: String],
                               base: Int, depth: Int, pieces: inout [Piece]) -> String? {
        var out = ""
        var rest = Substring(pattern)
        while let open = rest.range(of: "%{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}"), depth < Self.maxDepth else { return nil }
            let parts = rest[open.upperBound..<close].split(separator: ":", maxSplits: 1).map(String.init)
            let name = parts.first ?? ""
            let local = fileFragments[name]
            guard let raw = local ?? packFragments[name] else { return nil }
            let start = base + out.utf8.count
            var inner: [Piece] = []
            guard let fragment = expand(raw, fileFragments, packFragments, base: start, depth: depth + 1, pieces: &inner) else {
                return nil
            }
            if parts.count == 2 {
                out += PatternExpander.renameGroups(fragment, prefix: parts[1]) // renaming shifts the inner pieces: drop them
            } else {
                out += fragment
                pieces += inner
            }
            pieces.append(Piece(range: start..<base + out.utf8.count, name: name, packLevel: local == nil))
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The innermost fragment `range` lies wholly inside, if any.
    func piece(containing range: Range<Int>) -> Piece? {
        pieces.filter { $0.range.lowerBound <= range.lowerBound && range.upperBound <= $0.range.upperBound }
            .min { $0.range.count < $1.range.count }
    }
}
