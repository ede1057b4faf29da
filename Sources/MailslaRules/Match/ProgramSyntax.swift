/// A byte-mode pattern read strictly, for `RuleProgram`: only the constructs the
/// shipped pack's hot rules use, each with PCRE2's meaning in its default
/// options (no UTF, newline LF, C locale tables). Anything else (option
/// settings, back references, lookbehind, `\b`, POSIX classes, `{` that is not
/// a quantifier, bytes above 0x7F) makes the read fail, and the pattern then
/// runs on PCRE2 alone. Unlike the linter's `PatternSyntax`, which guesses at
/// what it does not model, this one refuses.
indirect enum ProgramSyntax {
    /// One byte out of a set (a literal is a set of one).
    case bytes(ByteSet)
    case sequence([ProgramSyntax])
    case alternation([ProgramSyntax])
    /// A numbered capture group.
    case capture(Int, ProgramSyntax)
    case atomic(ProgramSyntax)
    /// `(?=…)` or `(?!…)`; never holds a capture group.
    case lookahead(ProgramSyntax, negative: Bool)
    case repeated(ProgramSyntax, min: Int, max: Int?, mode: RepeatMode)
    /// `^`: the start of the subject (no multiline option).
    case start
    /// `$`: the end of the subject, or before a newline that ends it.
    case end

    enum RepeatMode { case greedy, lazy, possessive }

    /// Whether the node can match without consuming a byte.
    var canBeEmpty: Bool {
        switch self {
        case .bytes: return false
        case .sequence(let items): return items.allSatisfy(\.canBeEmpty)
        case .alternation(let branches): return branches.contains { $0.canBeEmpty }
        case .capture(_, let inner), .atomic(let inner): return inner.canBeEmpty
        case .lookahead, .start, .end: return true
        case .repeated(let inner, let min, _, _): return min == 0 || inner.canBeEmpty
        }
    }

    /// Reads `pattern`; nil when it uses anything outside the subset.
    /// `captureCount` is the number of capture groups, numbered as PCRE2 numbers them.
    static func parse(_ pattern: [UInt8]) -> (syntax: ProgramSyntax, captureCount: Int)? {
        var reader = Reader(bytes: pattern)
        guard let syntax = reader.alternation(), reader.pos == pattern.count else { return nil }
        return (syntax, reader.captures)
    }

    private struct Reader {
        let bytes: [UInt8]
        var pos = 0
        var captures = 0

        func peek(_ offset: Int = 0) -> UInt8? { pos + offset < bytes.count ? bytes[pos + offset] : nil }

        mutating func alternation() -> ProgramSyntax? {
            var branches: [ProgramSyntax] = []
            while true {
                guard let branch = sequence() else { return nil }
                branches.append(branch)
                guard peek() == UInt8(ascii: "|") else { break }
                pos += 1
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func sequence() -> ProgramSyntax? {
            var items: [ProgramSyntax] = []
            while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
                guard var item = atom() else { return nil }
                if let quantifier = quantifier() {
                    guard let (min, max, mode) = quantifier else { return nil }
                    switch item {
                    case .start, .end, .lookahead: return nil
                    default: break
                    }
                    item = .repeated(item, min: min, max: max, mode: mode)
                    if let next = peek(), "*+?{".utf8.contains(next) { return nil }
                }
                items.append(item)
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        /// The quantifier at `pos`: nil when there is none, `.some(nil)` when it is outside the subset.
        mutating func quantifier() -> (Int, Int?, RepeatMode)?? {
            guard let c = peek() else { return nil }
            var min = 0
            var max: Int?
            switch c {
            case UInt8(ascii: "*"): pos += 1
            case UInt8(ascii: "+"): min = 1; pos += 1
            case UInt8(ascii: "?"): max = 1; pos += 1
            case UInt8(ascii: "{"):
                guard let braces = braces() else { return .some(nil) }
                (min, max) = (braces.min, braces.max)
            default: return nil
            }
            var mode = RepeatMode.greedy
            if peek() == UInt8(ascii: "+") {
                mode = .possessive
                pos += 1
            } else if peek() == UInt8(ascii: "?") {
                mode = .lazy
                pos += 1
            }
            if let max, max < min { return .some(nil) }
            return .some((min, max, mode))
        }

        /// `{n}`, `{n,}` or `{n,m}`, advancing past it; nil for any other brace.
        mutating func braces() -> (min: Int, max: Int?)? {
            guard let (min, max, length) = PatternSyntax.braces(in: bytes, at: pos) else { return nil }
            pos += length
            return (min, max)
        }

        mutating func atom() -> ProgramSyntax? {
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "("): return group()
            case UInt8(ascii: "["): return byteClass().map(ProgramSyntax.bytes)
            case UInt8(ascii: "."):
                pos += 1
                return .bytes(.allButNewline)
            case UInt8(ascii: "^"):
                pos += 1
                return .start
            case UInt8(ascii: "$"):
                pos += 1
                return .end
            case UInt8(ascii: "\\"):
                pos += 1
                return escape().map(ProgramSyntax.bytes)
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                return nil
            default:
                guard c >= 0x20, c < 0x7F else { return nil }
                pos += 1
                return .bytes(ByteSet(byte: c))
            }
        }

        mutating func group() -> ProgramSyntax? {
            pos += 1 // (
            enum Kind { case capture, plain, atomic, lookahead(Bool) }
            let kind: Kind
            if peek() != UInt8(ascii: "?") {
                guard peek() != UInt8(ascii: "*") else { return nil } // verbs
                kind = .capture
            } else {
                switch peek(1) {
                case UInt8(ascii: ":"): kind = .plain; pos += 2
                case UInt8(ascii: ">"): kind = .atomic; pos += 2
                case UInt8(ascii: "="): kind = .lookahead(false); pos += 2
                case UInt8(ascii: "!"): kind = .lookahead(true); pos += 2
                case UInt8(ascii: "<"):
                    pos += 2
                    var length = 0
                    while let d = peek(), d == UInt8(ascii: "_") || (d | 0x20 >= 0x61 && d | 0x20 <= 0x7A) || (length > 0 && d >= 0x30 && d <= 0x39) {
                        pos += 1
                        length += 1
                    }
                    guard length > 0, peek() == UInt8(ascii: ">") else { return nil }
                    pos += 1
                    kind = .capture
                default: return nil
                }
            }
            var number = 0
            if case .capture = kind {
                captures += 1
                number = captures
            }
            let before = captures
            guard let inner = alternation(), peek() == UInt8(ascii: ")") else { return nil }
            pos += 1
            switch kind {
            case .capture: return .capture(number, inner)
            case .plain: return inner
            case .atomic: return .atomic(inner)
            case .lookahead(let negative):
                // Captures inside an assertion keep values PCRE2 sets in ways this machine does not model.
                guard captures == before else { return nil }
                return .lookahead(inner, negative: negative)
            }
        }

        /// The set of an escape after its backslash; nil for escapes outside the subset.
        mutating func escape() -> ByteSet? {
            guard let c = peek() else { return nil }
            pos += 1
            if let set = ByteSet.shorthand(c) { return set }
            switch c {
            case UInt8(ascii: "n"): return ByteSet(byte: 0x0A)
            case UInt8(ascii: "r"): return ByteSet(byte: 0x0D)
            case UInt8(ascii: "t"): return ByteSet(byte: 0x09)
            default:
                // Any other ASCII punctuation escaped stands for itself; letters and digits have meanings of their own.
                let isAlphanumeric = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
                guard c > 0x20, c < 0x7F, !isAlphanumeric else { return nil }
                return ByteSet(byte: c)
            }
        }

        mutating func byteClass() -> ByteSet? {
            pos += 1 // [
            var negate = false
            if peek() == UInt8(ascii: "^") {
                negate = true
                pos += 1
            }
            var set = ByteSet()
            var first = true
            while true {
                guard let c = peek() else { return nil }
                if c == UInt8(ascii: "]"), !first {
                    pos += 1
                    break
                }
                first = false
                if c == UInt8(ascii: "["), let d = peek(1), d == UInt8(ascii: ":") || d == UInt8(ascii: ".") || d == UInt8(ascii: "=") {
                    return nil // POSIX classes and collating elements
                }
                guard let low = classElement() else { return nil }
                guard let lowByte = low.single, peek() == UInt8(ascii: "-"), let next = peek(1), next != UInt8(ascii: "]") else {
                    set = set.union(low)
                    continue
                }
                pos += 1 // -
                guard let high = classElement()?.single, high >= lowByte else { return nil }
                set.insert(lowByte...high)
            }
            return negate ? set.inverted : set
        }

        /// One byte of a class, or a set escape.
        mutating func classElement() -> ByteSet? {
            guard let c = peek() else { return nil }
            if c == UInt8(ascii: "\\") {
                pos += 1
                return escape()
            }
            guard c >= 0x20, c < 0x7F else { return nil }
            pos += 1
            return ByteSet(byte: c)
        }
    }
}
