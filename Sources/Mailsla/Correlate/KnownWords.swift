/// A few values a field takes over and over (delivery statuses), their
/// `String`s made once: a captured value equal to one of them, byte for byte,
/// is answered with the stored string instead of a new one.
struct KnownWords {
    private let words: [(bytes: [UInt8], string: String)]

    init(_ words: [String]) { self.words = words.map { (Array($0.utf8), $0) } }

    func string(for value: UnsafeBufferPointer<UInt8>) -> String? {
        index(for: value).map { words[$0].string }
    }

    /// The position of the word equal to `value` in the list the words were made from.
    func index(for value: UnsafeBufferPointer<UInt8>) -> Int? {
        for i in words.indices where words[i].bytes.count == value.count {
            if words[i].bytes.withUnsafeBufferPointer({ $0.elementsEqual(value) }) { return i }
        }
        return nil
    }

    subscript(index: Int) -> String { words[index].string }
}

/// Tests on a captured field's bytes that give the answer the same test on
/// its `String` would (Swift compares strings by canonical equivalence, so a
/// value with non-ASCII bytes is handed to the `String` test).
enum FieldBytes {
    static func isASCII(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in value where b >= 0x80 { return false }
        return true
    }

    static func equals(_ value: UnsafeBufferPointer<UInt8>, _ ascii: StaticString) -> Bool {
        value.count == ascii.utf8CodeUnitCount
            && UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount).elementsEqual(value)
    }

    static func hasPrefix(_ value: UnsafeBufferPointer<UInt8>, _ ascii: StaticString) -> Bool {
        value.count >= ascii.utf8CodeUnitCount
            && UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount)
            .elementsEqual(UnsafeBufferPointer(rebasing: value[0..<ascii.utf8CodeUnitCount]))
    }

    /// A case-blind comparison with an ASCII word: bytes equal under `| 0x20`. A non-ASCII byte
    /// (raw, or the replacement character's) stays ≥ 0x80 under it and never equals an ASCII word's.
    static func equalsIgnoringCase(_ value: UnsafeBufferPointer<UInt8>, _ ascii: StaticString) -> Bool {
        guard value.count == ascii.utf8CodeUnitCount else { return false }
        for i in 0..<value.count where value[i] | 0x20 != ascii.utf8Start[i] | 0x20 { return false }
        return true
    }

    /// `127.…` or `::1`: what `FlowSettings.isLocal` and the mail-flow monitor call the loopback.
    static func isLoopback(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isASCII(value) else {
            let s = String(decoding: value, as: UTF8.self)
            return s.hasPrefix("127.") || s == "::1"
        }
        return hasPrefix(value, "127.") || equals(value, "::1")
    }
}
