/// A set of bytes (256 bits): what one character item of a byte-mode
/// pattern can match. The linter uses it to tell whether two parts of a
/// pattern can match the same text.
struct ByteSet: Equatable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static let empty = ByteSet()
    static let all: ByteSet = { var s = ByteSet(); s.insert(0...255); return s }()
    /// `.` without `(?s)`: every byte but newline.
    static let allButNewline: ByteSet = { var s = all; s.remove(0x0A); return s }()
    static let digit = ByteSet(ranges: [0x30...0x39])
    static let word = ByteSet(ranges: [0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F])
    static let space = ByteSet(ranges: [0x09...0x0D, 0x20...0x20])
    static let horizontalSpace = ByteSet(ranges: [0x09...0x09, 0x20...0x20, 0xA0...0xA0])
    static let verticalSpace = ByteSet(ranges: [0x0A...0x0D, 0x85...0x85])

    init() {}

    /// The set of the shorthand class `\d \D \w \W \s \S` whose letter is `letter` (byte mode,
    /// PCRE2's C-locale tables), or nil for any other letter.
    static func shorthand(_ letter: UInt8) -> ByteSet? {
        switch letter {
        case UInt8(ascii: "d"): return .digit
        case UInt8(ascii: "D"): return ByteSet.digit.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        default: return nil
        }
    }

    init(ranges: [ClosedRange<UInt8>]) {
        for r in ranges { insert(r) }
    }

    init(byte: UInt8, caseless: Bool = false) {
        insert(byte)
        if caseless { addOtherCase() }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func remove(_ byte: UInt8) {
        let bit = ~(UInt64(1) << UInt64(byte & 63))
        switch byte >> 6 {
        case 0: words.0 &= bit
        case 1: words.1 &= bit
        case 2: words.2 &= bit
        default: words.3 &= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for b in range { insert(b) }
    }

    /// Adds the other case of every ASCII letter in the set (for `(?i)`).
    mutating func addOtherCase() {
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(b) || contains(b | 0x20) {
            insert(b)
            insert(b | 0x20)
        }
    }

    func union(_ other: ByteSet) -> ByteSet {
        var s = self
        s.words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        return s
    }

    var inverted: ByteSet {
        var s = self
        s.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return s
    }

    func isDisjoint(with other: ByteSet) -> Bool {
        words.0 & other.words.0 == 0 && words.1 & other.words.1 == 0
            && words.2 & other.words.2 == 0 && words.3 & other.words.3 == 0
    }

    /// True when every byte of `other` is in this set.
    func isSuperset(of other: ByteSet) -> Bool { other.union(self) == self }

    var isEmpty: Bool { self == .empty }

    /// The byte when the set holds exactly one.
    var single: UInt8? {
        let count = words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount + words.3.nonzeroBitCount
        guard count == 1 else { return nil }
        if words.0 != 0 { return UInt8(words.0.trailingZeroBitCount) }
        if words.1 != 0 { return UInt8(64 + words.1.trailingZeroBitCount) }
        if words.2 != 0 { return UInt8(128 + words.2.trailingZeroBitCount) }
        return UInt8(192 + words.3.trailingZeroBitCount)
    }

    static func == (a: ByteSet, b: ByteSet) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }
}
