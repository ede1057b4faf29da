import MailslaRules

/// Reads one event's captures: bytes for keys and tests, strings only for kept fields.
///
/// Made per event on the correlator's hot path, so it holds only pointers
/// into the batch (valid for the batch's `withUnsafeBufferPointer` scope), the
/// correlator's string table as pointers, and unmanaged references to its rule
/// set and matcher: making, using and dropping one costs no reference counting
/// (an `unowned(unsafe)` reference is still retained around each call made
/// through it).
struct EventView {
    let event: ClassifiedEvent
    let captures: UnsafeBufferPointer<Capture>
    let bytes: UnsafeBufferPointer<UInt8>
    let rules: Unmanaged<RuleSet>
    let matcher: Unmanaged<PatternMatcher>
    /// Where a kept field's string comes from: a recent equal one, or a new one.
    let strings: RecentStrings.Table

    /// `rules`, `matcher` and `strings` must outlive the view (the correlator holds them).
    init(event: ClassifiedEvent, captures: UnsafeBufferPointer<Capture>, bytes: UnsafeBufferPointer<UInt8>,
         rules: RuleSet, matcher: PatternMatcher, strings: RecentStrings) {
        self.event = event
        self.captures = captures
        self.bytes = bytes
        self.rules = .passUnretained(rules)
        self.matcher = .passUnretained(matcher)
        self.strings = strings.table
    }

    /// The capture of `field`, if the rule captured it (the first, as `EventBatch.capture` finds it).
    @inline(__always)
    func capture(_ field: UInt16) -> Capture? {
        var i = Int(event.firstCapture)
        let end = i + Int(event.captureCount)
        while i < end {
            if captures[i].field == field { return captures[i] }
            i += 1
        }
        return nil
    }

    /// The capture of `field`, or nil when the rule set has no such field or the rule did not capture it.
    @inline(__always)
    func capture(_ field: UInt16?) -> Capture? {
        guard let field else { return nil }
        return capture(field)
    }

    func bytes(_ capture: Capture) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(capture.start)..<Int(capture.end)])
    }

    func string(_ capture: Capture) -> String { strings.string(bytes(capture)) }

    /// The field's text, or nil when the rule has no such field or did not capture it.
    func text(_ field: UInt16?) -> String? {
        guard let capture = capture(field) else { return nil }
        return string(capture)
    }

    /// The field after the rule's map transform: a bounded label, never free text.
    func label(_ field: UInt16?) -> String? {
        guard let field, let capture = capture(field) else { return nil }
        let event = event, value = bytes(capture)
        let mapped: String?? = rules._withUnsafeGuaranteedRef { rules in
            guard let map = rules.mapName(rule: event.rule, field: field) else { return nil }
            return matcher._withUnsafeGuaranteedRef { rules.label(map: map, value: value, matcher: $0) }
        }
        if let mapped { return mapped }
        return string(capture)
    }

    /// A decimal field (`delay=0.45`) as `Double(text)` reads it. Plain `digits[.digits]` of at most
    /// 15 digits is computed here, exactly as that conversion rounds (the digits and the power of
    /// ten are exact doubles and one division rounds once); anything else goes through the string.
    func decimal(_ field: UInt16?) -> Double? {
        guard let capture = capture(field) else { return nil }
        let b = bytes(capture)
        var mantissa: UInt64 = 0, digits = 0, fraction = -1
        for byte in b {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + UInt64(byte - 48)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else if byte == UInt8(ascii: "."), fraction < 0, digits > 0 {
                fraction = 0
            } else {
                return Double(String(decoding: b, as: UTF8.self))
            }
            if digits > 15 { return Double(String(decoding: b, as: UTF8.self)) }
        }
        guard digits > 0, fraction != 0 else { return Double(String(decoding: b, as: UTF8.self)) }
        return fraction < 0 ? Double(mantissa) : Double(mantissa) / Self.powersOfTen[fraction]
    }

    private static let powersOfTen: [Double] = (0...15).map { n in (0..<n).reduce(1.0) { p, _ in p * 10 } }

    /// An integer field (`size=1234`) as `Int(text)` reads it: plain digits (at most 18) here, anything else
    /// through the string.
    func integer(_ field: UInt16?) -> Int? {
        guard let capture = capture(field) else { return nil }
        let b = bytes(capture)
        guard !b.isEmpty, b.count <= 18 else { return Int(String(decoding: b, as: UTF8.self)) }
        var value = 0
        for byte in b {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return Int(String(decoding: b, as: UTF8.self)) }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// `delays=a/b/c/d` as four numbers, when captured.
    func delays(_ field: UInt16?) -> (Double, Double, Double, Double)? {
        guard let capture = capture(field) else { return nil }
        // Read `a/b/c/d` straight from the bytes: no strings, no split, no array.
        var parts: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var count = 0
        var value = 0.0, scale = 0.0, digits = 0
        func push() -> Bool {
            switch count {
            case 0: parts.0 = value
            case 1: parts.1 = value
            case 2: parts.2 = value
            case 3: parts.3 = value
            default: return false
            }
            count += 1
            return true
        }
        for b in bytes(capture) {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if scale == 0 { value = value * 10 + Double(b - 48) } else { value += Double(b - 48) * scale; scale /= 10 }
                digits += 1
            case UInt8(ascii: "."): scale = 0.1
            case UInt8(ascii: "/"):
                guard digits > 0, push() else { return nil }
                value = 0; scale = 0; digits = 0
            default: return nil
            }
        }
        guard digits > 0, push() else { return nil }
        return count == 4 ? parts : nil
    }
}
