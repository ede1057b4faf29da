import Foundation
import MailslaCore

/// Runs every example of every rule through the same parser and classifier
/// that replay uses. Backs `mailsla rules test` and the unit tests.
public struct RuleVerifier {
    public struct Failure: CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int
        public let ruleID: String
        public let message: String
        public var description: String { "\(file):\(line) rule \(ruleID): \(message)" }
    }

    public struct Outcome: Sendable {
        public var rules = 0
        public var examples = 0
        public var nonMatches = 0
        public var failures: [Failure] = []
        public var passed: Bool { failures.isEmpty }
    }

    public let rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    /// A line classified on its own: the rule that matched (if any) and its fields.
    public struct Explanation: Sendable {
        public var parsed: Bool
        public var program: String?
        public var ruleID: String?
        public var kind: String?
        public var fields: [(String, String)]
    }

    /// Parses and classifies one line with a fresh classifier.
    public func explain(_ line: String, year: Int = 2026) -> Explanation {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(year)))
        var classifier = Classifier(rules: rules, symbols: symbols)
        return explain(line, parser: &parser, classifier: &classifier)
    }

    public func explain(_ line: String, parser: inout SyslogParser, classifier: inout Classifier) -> Explanation {
        let bytes = Array(line.utf8)
        let outcome = bytes.withUnsafeBufferPointer { parser.parse($0) }
        guard case .record(let record) = outcome else {
            return Explanation(parsed: false, program: nil, ruleID: nil, kind: nil, fields: [])
        }
        let batch = RecordBatch(bytes: bytes, records: [record])
        var events = EventBatch()
        classifier.classify(batch, into: &events)
        let program = classifier.symbols.name(record.program)
        guard let event = events.events.first else {
            return Explanation(parsed: true, program: program, ruleID: nil, kind: nil, fields: [])
        }
        let fields = EventFields.resolve(event, in: events, bytes: bytes, rules: rules, matcher: classifier.matcher)
        return Explanation(parsed: true, program: program, ruleID: rules.rules[Int(event.rule)].id,
                           kind: rules.kinds[Int(event.kind)], fields: fields)
    }

    /// Equal as text, or as numbers (`30` and `30.0` are the same delay).
    static func same(_ actual: String?, _ expected: String) -> Bool {
        guard let actual else { return false }
        if actual == expected { return true }
        if let a = Double(actual), let b = Double(expected) { return a == b }
        return false
    }

    public func verify() -> Outcome {
        var outcome = Outcome()
        for rule in rules.rules {
            let spec = rule.spec
            outcome.rules += 1
            func fail(_ line: Int, _ message: String) {
                outcome.failures.append(Failure(file: spec.file, line: line, ruleID: spec.id, message: message))
            }
            if spec.examples.isEmpty { fail(spec.line, "no positive example") }
            for example in spec.examples {
                outcome.examples += 1
                let result = explain(example.line.text)
                guard result.parsed else {
                    fail(example.line.line, "the example line does not parse as a syslog line")
                    continue
                }
                guard result.ruleID == spec.id else {
                    fail(example.line.line, result.ruleID.map { "the example matched rule \($0) instead" }
                        ?? "the example matched no rule (program \(result.program ?? "-"))")
                    continue
                }
                let got = Dictionary(result.fields, uniquingKeysWith: { a, _ in a })
                for (field, expected) in example.fields.sorted(by: { $0.key < $1.key }) {
                    let actual = got[field]
                    if !Self.same(actual, expected) {
                        fail(example.line.line, "field \(field): expected '\(expected)', got \(actual.map { "'\($0)'" } ?? "nothing")")
                    }
                }
            }
            for line in spec.nonMatches {
                outcome.nonMatches += 1
                let result = explain(line.text)
                if result.ruleID == spec.id { fail(line.line, "a non-matching line matched") }
            }
        }
        return outcome
    }
}
