import Foundation
import MailslaCore

/// Times every rule against lines built to make a regex work hard (64 KiB,
/// replay's longest line, by default): all `a`, random bytes, and the rule's
/// own first example padded with `a` (the shape of an over-long HELO,
/// address or reply text). The
/// target: no rule spends more than 1 ms on one such line. Matching uses
/// the production limits, so a pattern that would run away is cut off and
/// shows as `limit` (a line the rule silently failed to classify).
public enum PathologicalCheck {
    /// The target for one line: 1 ms.
    public static let targetNanoseconds: UInt64 = 1_000_000

    public struct Subject: Sendable, Codable, Equatable {
        public var subject: String
        /// The fastest of `repeats` runs.
        public var nanoseconds: UInt64
        /// match, no-match or limit.
        public var outcome: String
    }

    public struct Result: Sendable, Codable, Equatable {
        public var id: String
        /// The slowest subject.
        public var nanoseconds: UInt64
        public var worstSubject: String
        public var subjects: [Subject]
        public var overTarget: Bool
    }

    /// Runs the check; slowest rule first. Cost: 3 subjects × `repeats` matches per rule.
    public static func run(rules: RuleSet, length: Int = 65536, repeats: Int = 3) -> [Result] {
        let matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        var random = SplitMix64(seed: 0x6D61_696C_736C_61) // "mailsla": the same bytes on every run
        let noise = (0..<length).map { _ -> UInt8 in
            let b = UInt8(truncatingIfNeeded: random.next())
            return b == 0x0A ? 0x20 : b // a line never holds a newline
        }
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var results: [Result] = []
        for rule in rules.rules {
            var subjects = [("a×\(length)", filler), ("random×\(length)", noise)]
            if let example = rule.spec.examples.first {
                let line = Array(example.line.text.utf8)
                let message: [UInt8]? = line.withUnsafeBufferPointer { all in
                    guard case .record(let record) = parser.parse(all) else { return nil }
                    return Array(all[Int(record.messageStart)..<Int(record.messageEnd)])
                }
                if let message {
                    subjects.append(("example+a×\(length - min(message.count, length))",
                                     Array((message + filler).prefix(max(length, message.count)))))
                }
            }
            var measured: [Subject] = []
            for (name, bytes) in subjects {
                var best = UInt64.max
                var outcome = PatternMatcher.Result.noMatch
                bytes.withUnsafeBufferPointer { buffer in
                    for _ in 0..<max(1, repeats) {
                        let start = DispatchTime.now().uptimeNanoseconds
                        outcome = matcher.match(rule.pattern, buffer.baseAddress!, buffer.count)
                        best = min(best, DispatchTime.now().uptimeNanoseconds - start)
                    }
                }
                measured.append(Subject(subject: name, nanoseconds: best, outcome: describe(outcome)))
            }
            let worst = measured.max { $0.nanoseconds < $1.nanoseconds }!
            results.append(Result(id: rule.id, nanoseconds: worst.nanoseconds, worstSubject: worst.subject,
                                  subjects: measured, overTarget: worst.nanoseconds > targetNanoseconds))
        }
        return results.sorted { ($0.nanoseconds, $1.id) > ($1.nanoseconds, $0.id) }
    }

    static func describe(_ result: PatternMatcher.Result) -> String {
        switch result {
        case .match: return "match"
        case .noMatch: return "no-match"
        case .limit: return "limit"
        }
    }

    /// The slowest rules and the verdict against the 1 ms target.
    public static func text(_ results: [Result], top: Int? = nil) -> String {
        guard let worst = results.first else { return "pathological lines: no rules\n" }
        let over = results.filter(\.overTarget)
        let max = String(format: "%.3f", Double(worst.nanoseconds) / 1e6)
        let length = worst.subjects.first?.subject.split(separator: "×").last ?? "?"
        var out = "\npathological lines (\(length) bytes): max \(max) ms (\(worst.id) on \(worst.worstSubject)), target 1 ms: "
            + (over.isEmpty ? "met" : "\(over.count) rule(s) over") + "\n"
        out += "     time ms  outcome   subject                rule\n"
        for r in results.prefix(top ?? 10) {
            let subject = r.subjects.first { $0.subject == r.worstSubject }!
            out += CoverageReport.right(String(format: "%.3f", Double(r.nanoseconds) / 1e6), 12) + "  "
                + CoverageReport.pad(subject.outcome, 8) + "  " + CoverageReport.pad(r.worstSubject, 21) + "  \(r.id)\n"
        }
        let limited = results.filter { $0.subjects.contains { $0.outcome == "limit" } }
        if !limited.isEmpty {
            out += "hit the match limit (the line would go unclassified): \(limited.map(\.id).joined(separator: ", "))\n"
        }
        return out
    }
}

