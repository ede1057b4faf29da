/// A byte-mode PCRE2 pattern parsed just far enough for the linter to reason
/// about its shape: which parts repeat, what bytes each part can match,
/// where the anchors are. It assumes the pattern compiles (PCRE2 checked it
/// first) and is tolerant: a construct it does not model becomes `.opaque`,
/// which the checks treat as "could match anything".
struct PatternSyntax {
    enum Node {
        /// One byte out of a set: a literal, a class, `.`, `\d`, …
        case chars(ByteSet)
        /// `^`, `\A`, `\G`: the start of the message.
        case startAnchor
        /// `$`, `\z`, `\Z`.
        case endAnchor
        /// Zero-width tests that can fail: `\b`, `\B`, verbs, `\K`.
        case assertion
        case group(Group)
        /// A back reference, a recursion or a subroutine call.
        case opaque
    }

    struct Group {
        enum Kind { case capture, plain, atomic, lookaround, branchReset, conditional }
        var kind: Kind
        var alternatives: [[Item]]
    }

    /// A node with its quantifier and where it is in the pattern.
    struct Item {
        var node: Node
        var min = 1
        /// nil: no upper bound.
        var max: Int? = 1
        var possessive = false
        var lazy = false
        /// Byte offsets in the pattern, quantifier included.
        var range: Range<Int>

        var repeats: Bool { max.map { $0 > 1 } ?? true }
    }

    /// The top-level alternatives.
    let alternatives: [[Item]]
    let bytes: [UInt8]

    init(_ pattern: String) {
        var parser = Parser(bytes: Array(pattern.utf8))
        alternatives = parser.parseAlternatives(inGroup: false)
        bytes = parser.bytes
    }

    /// The pattern text of `range`.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[max(0, range.lowerBound)..<min(bytes.count, range.upperBound)], as: UTF8.self)
    }
}

extension PatternSyntax {
    /// The quantifier `{n}`, `{n,}` or `{n,m}` at `pos` of `bytes`: its bounds and length in bytes;
    /// nil when the brace there is not one (PCRE2 then reads it as a literal). Shared by this
    /// parser and `ProgramSyntax`. Counts stop growing at six digits (PCRE2's limit is 65535).
    static func braces(in bytes: [UInt8], at pos: Int) -> (min: Int, max: Int?, length: Int)? {
        var i = pos + 1
        func number() -> Int? {
            var value: Int?
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, (value ?? 0) < 100_000 {
                value = (value ?? 0) * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            return value
        }
        guard let min = number() else { return nil }
        var max: Int? = min
        if i < bytes.count, bytes[i] == UInt8(ascii: ",") {
            i += 1
            max = number()
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else { return nil }
        return (min, max, i + 1 - pos)
    }

    /// A recursive-descent reader over the pattern bytes.
    struct Parser {
        let bytes: [UInt8]
        var pos = 0
        var flags = Flags()

        /// Inline options in force: `(?i)`, `(?s)`, `(?x)`, `(?n)`.
        struct Flags {
            var caseless = false
            var dotAll = false
            var extended = false
            var noAutoCapture = false
        }

        /// What one atom adds: usually one node, so the common case allocates no array.
        enum Atoms {
            case nothing
            case one(Node)
            /// `\Q…\E`: one node per quoted byte.
            case many([Node])
        }

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { pos >= bytes.count }
        func peek(_ offset: Int = 0) -> UInt8? { pos + offset < bytes.count ? bytes[pos + offset] : nil }
        func at(_ text: String) -> Bool {
            let t = Array(text.utf8)
            return pos + t.count <= bytes.count && Array(bytes[pos..<pos + t.count]) == t
        }

        mutating func parseAlternatives(inGroup: Bool) -> [[Item]] {
            var alternatives: [[Item]] = []
            var current: [Item] = []
            while true {
                skipExtended()
                guard let c = peek() else { break }
                if c == UInt8(ascii: ")") {
                    if inGroup { break }
                    pos += 1 // an unbalanced ')' cannot compile; skip it
                    continue
                }
                if c == UInt8(ascii: "|") {
                    pos += 1
                    alternatives.append(current)
                    current = []
                    continue
                }
                let start = pos
                let node: Node
                switch parseAtom() {
                case .nothing: continue
                case .one(let atom): node = atom
                case .many(let atoms):
                    guard let last = atoms.last else { continue }
                    current += atoms.dropLast().map { Item(node: $0, range: start..<pos) }
                    node = last
                }
                var item = Item(node: node, range: start..<pos)
                parseQuantifier(&item)
                current.append(item)
            }
            alternatives.append(current)
            return alternatives
        }

        /// In `(?x)` mode, white space and `#` comments between items.
        mutating func skipExtended() {
            guard flags.extended else { return }
            while let c = peek() {
                if c == 0x20 || (0x09...0x0D).contains(c) {
                    pos += 1
                } else if c == UInt8(ascii: "#") {
                    while let d = peek(), d != 0x0A { pos += 1 }
                } else {
                    return
                }
            }
        }

        mutating func parseQuantifier(_ item: inout Item) {
            skipExtended()
            guard let c = peek() else { return }
            switch c {
            case UInt8(ascii: "*"): (item.min, item.max) = (0, nil); pos += 1
            case UInt8(ascii: "+"): (item.min, item.max) = (1, nil); pos += 1
            case UInt8(ascii: "?"): (item.min, item.max) = (0, 1); pos += 1
            case UInt8(ascii: "{"):
                guard let (min, max, length) = PatternSyntax.braces(in: bytes, at: pos) else { return }
                (item.min, item.max) = (min, max)
                pos += length
            default: return
            }
            if peek() == UInt8(ascii: "+") {
                item.possessive = true
                pos += 1
            } else if peek() == UInt8(ascii: "?") {
                item.lazy = true
                pos += 1
            }
            item.range = item.range.lowerBound..<pos
        }

        /// One atom; several for `\Q…\E`; none for comments and option settings.
        mutating func parseAtom() -> Atoms {
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "("): return parseGroup().map(Atoms.one) ?? .nothing
            case UInt8(ascii: "["): return .one(.chars(parseClass()))
            case UInt8(ascii: "."):
                pos += 1
                return .one(.chars(flags.dotAll ? .all : .allButNewline))
            case UInt8(ascii: "^"):
                pos += 1
                return .one(.startAnchor)
            case UInt8(ascii: "$"):
                pos += 1
                return .one(.endAnchor)
            case UInt8(ascii: "\\"): return parseEscape()
            default:
                pos += 1
                return .one(.chars(ByteSet(byte: c, caseless: flags.caseless)))
            }
        }

        // MARK: Groups

        mutating func parseGroup() -> Node? {
            pos += 1 // (
            if peek() == UInt8(ascii: "*") { // (*VERB), or (*pla:…) and friends
                if let colon = bytes[pos...].firstIndex(of: UInt8(ascii: ":")),
                   let close = bytes[pos...].firstIndex(of: UInt8(ascii: ")")), colon < close {
                    pos = colon + 1
                    return group(.lookaround)
                }
                skipPast(UInt8(ascii: ")"))
                return .assertion
            }
            guard peek() == UInt8(ascii: "?") else { return group(flags.noAutoCapture ? .plain : .capture) }
            pos += 1
            guard let c = peek() else { return nil }
            let next = peek(1)
            // (?R) (?1) (?+1) (?-1) (?&name) (?P=name) (?P>name): calls and back references.
            if c == UInt8(ascii: "R") || c == UInt8(ascii: "&") || isDigit(c)
                || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && isDigit(next))
                || (c == UInt8(ascii: "P") && next != UInt8(ascii: "<")) {
                skipPast(UInt8(ascii: ")"))
                return .opaque
            }
            switch c {
            case UInt8(ascii: "#"):
                skipPast(UInt8(ascii: ")"))
                return nil
            case UInt8(ascii: "C"):
                skipPast(UInt8(ascii: ")"))
                return .assertion
            case UInt8(ascii: ":"): pos += 1; return group(.plain)
            case UInt8(ascii: "|"): pos += 1; return group(.branchReset)
            case UInt8(ascii: ">"): pos += 1; return group(.atomic)
            case UInt8(ascii: "="), UInt8(ascii: "!"): pos += 1; return group(.lookaround)
            case UInt8(ascii: "<") where next == UInt8(ascii: "=") || next == UInt8(ascii: "!"):
                pos += 2
                return group(.lookaround)
            case UInt8(ascii: "<"), UInt8(ascii: "'"), UInt8(ascii: "P"): // named group
                if c == UInt8(ascii: "P") { pos += 1 }
                skipPast(c == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">"))
                return group(.capture)
            case UInt8(ascii: "("): // conditional: skip the condition, keep the branches
                var depth = 0
                while let d = peek() {
                    pos += 1
                    if d == UInt8(ascii: "\\") { pos += 1; continue }
                    if d == UInt8(ascii: "(") { depth += 1 }
                    if d == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                }
                return group(.conditional)
            default:
                // Option letters: (?i) for the rest of the enclosing group, (?i:…) for a group.
                let saved = flags
                var on = true
                while let d = peek(), d != UInt8(ascii: ")"), d != UInt8(ascii: ":") {
                    switch d {
                    case UInt8(ascii: "-"): on = false
                    case UInt8(ascii: "^"): flags = Flags()
                    case UInt8(ascii: "i"): flags.caseless = on
                    case UInt8(ascii: "s"): flags.dotAll = on
                    case UInt8(ascii: "x"): flags.extended = on
                    case UInt8(ascii: "n"): flags.noAutoCapture = on
                    default: break
                    }
                    pos += 1
                }
                if peek() == UInt8(ascii: ")") {
                    pos += 1
                    return nil // the enclosing group restores the flags at its end
                }
                pos += 1 // :
                let node = group(.plain)
                flags = saved
                return node
            }
        }

        mutating func group(_ kind: Group.Kind) -> Node {
            let alternatives = parseAlternatives(inGroup: true)
            if peek() == UInt8(ascii: ")") { pos += 1 }
            return .group(Group(kind: kind, alternatives: alternatives))
        }

        mutating func skipPast(_ byte: UInt8) {
            while let c = peek() {
                pos += 1
                if c == byte { return }
            }
        }

        func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

        // MARK: Escapes

        mutating func parseEscape() -> Atoms {
            pos += 1 // backslash
            guard let c = peek() else { return .one(.chars(ByteSet(byte: UInt8(ascii: "\\")))) }
            pos += 1
            switch c {
            case UInt8(ascii: "A"), UInt8(ascii: "G"): return .one(.startAnchor)
            case UInt8(ascii: "z"), UInt8(ascii: "Z"): return .one(.endAnchor)
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "K"): return .one(.assertion)
            case UInt8(ascii: "E"): return .nothing
            case UInt8(ascii: "Q"):
                var out: [Node] = []
                while !atEnd, !at("\\E") {
                    out.append(.chars(ByteSet(byte: bytes[pos], caseless: flags.caseless)))
                    pos += 1
                }
                if at("\\E") { pos += 2 }
                return .many(out)
            case UInt8(ascii: "g"), UInt8(ascii: "k"):
                if let open = peek(), open == UInt8(ascii: "{") || open == UInt8(ascii: "<") || open == UInt8(ascii: "'") {
                    let close = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : open == UInt8(ascii: "<") ? UInt8(ascii: ">") : open
                    pos += 1
                    skipPast(close)
                } else {
                    if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") { pos += 1 }
                    while isDigit(peek()) { pos += 1 }
                }
                return .one(.opaque)
            case UInt8(ascii: "X"): return .one(.opaque)
            case UInt8(ascii: "C"): return .one(.chars(.all))
            case UInt8(ascii: "R"): return .one(.chars(.verticalSpace))
            case UInt8(ascii: "N"): return .one(.chars(.allButNewline))
            case _ where c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9"):
                while isDigit(peek()) { pos += 1 }
                return .one(.opaque)
            default:
                pos -= 1
                return .one(.chars(escapedSet(inClass: false)))
            }
        }

        /// The set of a single-byte escape at `pos` (the byte after the backslash); advances past it.
        mutating func escapedSet(inClass: Bool) -> ByteSet {
            let c = bytes[pos]
            pos += 1
            if let set = ByteSet.shorthand(c) { return set }
            switch c {
            case UInt8(ascii: "h"): return .horizontalSpace
            case UInt8(ascii: "H"): return ByteSet.horizontalSpace.inverted
            case UInt8(ascii: "v"): return .verticalSpace
            case UInt8(ascii: "V"): return ByteSet.verticalSpace.inverted
            case UInt8(ascii: "p"), UInt8(ascii: "P"):
                if peek() == UInt8(ascii: "{") { skipPast(UInt8(ascii: "}")) } else { pos += 1 }
                return .all
            default:
                return ByteSet(byte: escapedByte(c), caseless: flags.caseless)
            }
        }

        /// The byte a character escape stands for (`\n`, `\x41`, `\x{41}`, `\101`, `\cA`, `\.`); advances past its operand.
        mutating func escapedByte(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "a"): return 0x07
            case UInt8(ascii: "e"): return 0x1B
            case UInt8(ascii: "f"): return 0x0C
            case UInt8(ascii: "n"): return 0x0A
            case UInt8(ascii: "r"): return 0x0D
            case UInt8(ascii: "t"): return 0x09
            case UInt8(ascii: "b"): return 0x08 // in a class
            case UInt8(ascii: "c"):
                guard let d = peek() else { return c }
                pos += 1
                return (d >= 0x61 && d <= 0x7A ? d - 0x20 : d) ^ 0x40
            case UInt8(ascii: "x"):
                return UInt8(truncatingIfNeeded: number(radix: 16, braced: true, maxDigits: 2))
            case UInt8(ascii: "o"):
                return UInt8(truncatingIfNeeded: number(radix: 8, braced: true, maxDigits: 0))
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                pos -= 1
                return UInt8(truncatingIfNeeded: number(radix: 8, braced: false, maxDigits: 3))
            default: return c
            }
        }

        mutating func number(radix: Int, braced: Bool, maxDigits: Int) -> Int {
            var value = 0
            if braced, peek() == UInt8(ascii: "{") {
                pos += 1
                while let d = peek(), d != UInt8(ascii: "}") {
                    value = value * radix + (Int(String(UnicodeScalar(d)), radix: radix) ?? 0)
                    pos += 1
                }
                pos += 1
                return value
            }
            var digits = 0
            while digits < maxDigits, let d = peek(), let v = Int(String(UnicodeScalar(d)), radix: radix) {
                value = value * radix + v
                pos += 1
                digits += 1
            }
            return value
        }

        // MARK: Classes

        mutating func parseClass() -> ByteSet {
            pos += 1 // [
            var set = ByteSet()
            var negate = false
            if peek() == UInt8(ascii: "^") {
                negate = true
                pos += 1
            }
            var first = true
            while let c = peek() {
                if c == UInt8(ascii: "]") && !first {
                    pos += 1
                    break
                }
                first = false
                if c == UInt8(ascii: "["), peek(1) == UInt8(ascii: ":"),
                   let close = bytes[(pos + 2)...].firstIndex(of: UInt8(ascii: "]")), bytes[close - 1] == UInt8(ascii: ":") {
                    var name = String(decoding: bytes[(pos + 2)..<(close - 1)], as: UTF8.self)
                    let inverted = name.hasPrefix("^")
                    if inverted { name.removeFirst() }
                    let posix = Self.posix(name)
                    set = set.union(inverted ? posix.inverted : posix)
                    pos = close + 1
                    continue
                }
                // One element: a byte, or a set escape (which cannot start a range).
                var low: UInt8?
                if c == UInt8(ascii: "\\") {
                    pos += 1
                    guard let e = peek() else { break }
                    if "dDwWsShHvVpP".utf8.contains(e) {
                        set = set.union(escapedSet(inClass: true))
                        continue
                    }
                    if e == UInt8(ascii: "Q") || e == UInt8(ascii: "E") {
                        pos += 1
                        continue
                    }
                    pos += 1
                    low = escapedByte(e)
                } else {
                    pos += 1
                    low = c
                }
                guard let lowByte = low else { continue }
                if peek() == UInt8(ascii: "-"), let next = peek(1), next != UInt8(ascii: "]") {
                    pos += 1
                    var high: UInt8
                    if next == UInt8(ascii: "\\"), let e = peek(1) {
                        pos += 2
                        high = escapedByte(e)
                    } else {
                        pos += 1
                        high = next
                    }
                    if high < lowByte { high = lowByte }
                    set.insert(lowByte...high)
                } else {
                    set.insert(lowByte)
                }
            }
            if flags.caseless { set.addOtherCase() }
            return negate ? set.inverted : set
        }

        static func posix(_ name: String) -> ByteSet {
            switch name {
            case "alpha": return ByteSet(ranges: [0x41...0x5A, 0x61...0x7A])
            case "digit": return .digit
            case "alnum": return ByteSet(ranges: [0x30...0x39, 0x41...0x5A, 0x61...0x7A])
            case "word": return .word
            case "space": return .space
            case "blank": return ByteSet(ranges: [0x09...0x09, 0x20...0x20])
            case "upper": return ByteSet(ranges: [0x41...0x5A])
            case "lower": return ByteSet(ranges: [0x61...0x7A])
            case "xdigit": return ByteSet(ranges: [0x30...0x39, 0x41...0x46, 0x61...0x66])
            case "punct": return ByteSet(ranges: [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
            case "cntrl": return ByteSet(ranges: [0x00...0x1F, 0x7F...0x7F])
            case "print": return ByteSet(ranges: [0x20...0x7E])
            case "graph": return ByteSet(ranges: [0x21...0x7E])
            case "ascii": return ByteSet(ranges: [0x00...0x7F])
            default: return .all
            }
        }
    }
}
