import Foundation
import MailslaCore
@testable import MailslaRules

// Support for the agreement tests: the shipped pack, the shared corpus beside
// the clone, one-line classification and a tally of agreements per source.
//
// The corpus lines are other projects' test data: they stay in these tests
// and are never copied into rules/ (the rule examples are built lines).

/// Where the package and the shared corpus live: `<package root>/../shared/corpus`.
enum AgreementCorpus {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    static func lines(_ relative: String) throws -> [String] {
        try text(relative).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }

    /// The files of a corpus folder ending in `suffix`; throws, naming the folder, when it cannot
    /// be listed (no ../shared beside the clone): a missing corpus fails its tests, it does not
    /// crash the run or pass them empty.
    static func files(in relative: String, suffix: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url(relative).path)
        } catch {
            throw CorpusMissing(path: url(relative).path)
        }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { relative + "/" + $0 }
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "the shared corpus folder \(path) cannot be listed (../shared/corpus is expected beside the clone)" }
    }
}

/// The shipped rule pack (./rules), compiled once for every agreement test.
let agreementPack: RuleSet = {
    try! RuleSet(directory: AgreementCorpus.packageRoot.appendingPathComponent("rules").path)
}()

/// What the pack made of one line.
struct Classified: CustomStringConvertible {
    var parsed: Bool
    var program: String?
    var rule: String?
    var kind: String?
    var fields: [String: String]

    subscript(_ field: String) -> String? { fields[field] }

    var description: String {
        guard let kind, let rule else { return parsed ? "unmatched (program \(program ?? "-"))" : "unparsed" }
        let shown = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(kind) by \(rule) {\(shown)}"
    }
}

/// Parses and classifies one line with the shipped pack (the same path as
/// `mailsla rules explain`).
func classify(_ line: String, year: Int = 2026, pack: RuleSet = agreementPack) -> Classified {
    let e = RuleVerifier(rules: pack).explain(line, year: year)
    return Classified(parsed: e.parsed, program: e.program, rule: e.ruleID, kind: e.kind,
                      fields: Dictionary(e.fields, uniquingKeysWith: { first, _ in first }))
}

/// The label a reason map of the shipped pack gives to a text (what a rule's
/// `map(NAME)` transform would give).
func mapLabel(_ map: String, _ text: String, pack: RuleSet = agreementPack) -> String {
    let matcher = PatternMatcher(maxCaptures: pack.maxCaptures)
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { pack.label(map: map, value: $0, matcher: matcher) }
}

/// Checks against one source's expectations: how many agreed, and a key plus
/// an explanation for each disagreement. The keys are stable (file, line or
/// case, field) so that a test can name the disagreements it keeps.
struct AgreementTally {
    let source: String
    private(set) var checked = 0
    private(set) var agreed = 0
    /// key → what differed.
    private(set) var disagreements: [String: String] = [:]

    init(_ source: String) { self.source = source }

    mutating func check(_ key: String, _ ok: Bool, _ detail: @autoclosure () -> String) {
        checked += 1
        if ok { agreed += 1 } else { disagreements[key] = detail() }
    }

    /// Agreed checks per hundred, one decimal.
    var rate: Double { checked == 0 ? 0 : (Double(agreed) * 1000 / Double(checked)).rounded() / 10 }

    var summary: String { "agreement \(source): \(agreed)/\(checked) = \(rate) %" }

    /// Disagreements not in `kept`, and kept ones that no longer occur (fixed:
    /// take them off the list).
    func unexpected(kept: [String: String]) -> (new: [String], gone: [String]) {
        let new = disagreements.keys.filter { kept[$0] == nil }.sorted().map { "\($0): \(disagreements[$0]!)" }
        let gone = kept.keys.filter { disagreements[$0] == nil }.sorted()
        return (new, gone)
    }
}

/// Undoes Go's quoting of a string literal body (`\\`, `\"`, `\n`, `\t`).
func unquoteGo(_ s: Substring) -> String {
    var out = ""
    var escaped = false
    for c in s {
        if escaped {
            switch c {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            default: out.append(c)
            }
            escaped = false
        } else if c == "\\" {
            escaped = true
        } else {
            out.append(c)
        }
    }
    return out
}
