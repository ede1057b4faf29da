import MailslaCore

/// The fields of an event as text, after the rule's transforms: what
/// `rules explain`, `--events` and the verifier show. Not for the hot path.
public enum EventFields {
    public static func resolve(_ event: ClassifiedEvent, in events: EventBatch, bytes: BatchBytes, rules: RuleSet,
                               matcher: PatternMatcher) -> [(String, String)] {
        bytes.withUnsafeBufferPointer { resolve(event, in: events, bytes: $0, rules: rules, matcher: matcher) }
    }

    public static func resolve(_ event: ClassifiedEvent, in events: EventBatch, bytes: [UInt8], rules: RuleSet,
                               matcher: PatternMatcher) -> [(String, String)] {
        bytes.withUnsafeBufferPointer { resolve(event, in: events, bytes: $0, rules: rules, matcher: matcher) }
    }

    /// The fields of `event`, whose captures point into `all` (its batch's bytes).
    public static func resolve(_ event: ClassifiedEvent, in events: EventBatch, bytes all: UnsafeBufferPointer<UInt8>,
                               rules: RuleSet, matcher: PatternMatcher) -> [(String, String)] {
        let rule = rules.rules[Int(event.rule)]
        var out: [(String, String)] = []
        let start = Int(event.firstCapture)
        for capture in events.captures[start..<start + Int(event.captureCount)] {
            let name = rules.fieldNames[Int(capture.field)]
            let value = UnsafeBufferPointer(rebasing: all[Int(capture.start)..<Int(capture.end)])
            let text = String(decoding: value, as: UTF8.self)
            switch rule.transforms[capture.field] {
            case nil:
                out.append((name, text))
            case .number:
                out.append((name, Int(text).map(String.init) ?? text))
            case .seconds:
                out.append((name, Double(text).map { formatSeconds($0) } ?? text))
            case .lower:
                out.append((name, text.lowercased()))
            case .delays:
                let parts = text.split(separator: "/")
                for (field, part) in zip(FieldTransform.delayFields, parts) {
                    out.append((field, Double(part).map { formatSeconds($0) } ?? String(part)))
                }
            case .map(let mapName):
                out.append((name, rules.label(map: mapName, value: value, matcher: matcher)))
            }
        }
        return out
    }

    /// Seconds without trailing zeros: 0.12, 30, 0. A value too large for an integer (a corrupt
    /// `delay=` of 30 digits, found by fuzzing: `Int(value)` trapped) is written as a plain number.
    static func formatSeconds(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        if value == value.rounded() { return String(Int(value)) }
        var s = String(format: "%.6f", value)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

import Foundation
