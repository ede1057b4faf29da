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
        if let map = rules.mapName(rule: event.rule, field: field) {
            return rules.label(map: map, value: bytes(capture), matcher: matcher)
        }
        return string(capture)
    }

    /// `delays=a/b/c/d` as four numbers, when captured.
    func delays(_ field: UInt16?) -> (Double, Double, Double, Double)? {
        guard let field, let capture = capture(field) else { return nil }
        // Read `a/b/c/d` straight from the bytes: no strings, no split.
        var parts: [Double] = []
        var value = 0.0, scale = 0.0, digits = 0
        for b in bytes(capture) {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if scale == 0 { value = value * 10 + Double(b - 48) } else { value += Double(b - 48) * scale; scale /= 10 }
                digits += 1
            case UInt8(ascii: "."): scale = 0.1
            case UInt8(ascii: "/"):
                guard digits > 0 else { return nil }
                parts.append(value)
                value = 0; scale = 0; digits = 0
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        parts.append(value)
        return parts.count == 4 ? (parts[0], parts[1], parts[2], parts[3]) : nil
    }
}
