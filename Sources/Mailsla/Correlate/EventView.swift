import MailslaRules

/// Reads one event's captures: bytes for keys, strings only for kept fields.
struct EventView {
    let event: ClassifiedEvent
    let events: EventBatch
    let bytes: UnsafeBufferPointer<UInt8>
    let rules: RuleSet
    let matcher: PatternMatcher

    @inline(__always)
    func capture(_ field: UInt16) -> Capture? { events.capture(field, of: event) }

    func bytes(_ capture: Capture) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(capture.start)..<Int(capture.end)])
    }

    func string(_ capture: Capture) -> String { String(decoding: bytes(capture), as: UTF8.self) }

    /// The field's text, or nil when the rule has no such field or did not capture it.
    func text(_ field: UInt16?) -> String? {
        guard let field, let capture = capture(field) else { return nil }
        return string(capture)
    }

    /// The field after the rule's map transform: a bounded label, never free text.
    func label(_ field: UInt16?) -> String? {
        guard let field, let capture = capture(field) else { return nil }
        if case .map(let name) = rules.rules[Int(event.rule)].transforms[field] {
            return rules.label(map: name, value: bytes(capture), matcher: matcher)
        }
        return string(capture)
    }

    /// `delays=a/b/c/d` as four numbers, when captured.
    func delays(_ field: UInt16?) -> (Double, Double, Double, Double)? {
        guard let text = text(field) else { return nil }
        let parts = text.split(separator: "/").compactMap { Double($0) }
        return parts.count == 4 ? (parts[0], parts[1], parts[2], parts[3]) : nil
    }
}
