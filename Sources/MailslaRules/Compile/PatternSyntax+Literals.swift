/// Literals every match of a pattern contains, as a cheap test the classifier
/// runs before PCRE2.
///
/// A line of a program is tried against that program's rules in order, and
/// most tries fail: a qmgr `removed` line meets the `from=<…>, size=` rule
/// first, a Dovecot LMTP line meets eight login rules. A failing PCRE2 call
/// costs a few hundred instructions (entry, the required-byte scan, the first
/// few items); looking for a literal the pattern cannot do without costs a
/// few dozen, or a handful when the literal sits at a fixed offset of an
/// anchored pattern. Only what is certain is derived: a literal is required
/// when every match of the pattern contains it, so a message without it
/// cannot match and skipping PCRE2 changes no result.
extension PatternSyntax {
    /// Bytes a match contains, at `offset` from the start of the message when that is fixed.
    struct Literal: Equatable {
        var bytes: [UInt8]
        var offset: Int?
    }

    /// Every match contains at least one of these literals.
    typealias Requirement = [Literal]

    /// The requirements of the whole pattern: each one holds for every match.
    /// Empty when nothing certain is known (an unsupported construct, an
    /// alternative without a literal, inline options that change `^`).
    var requirements: [Requirement] {
        // (?m) would let ^ match after a newline: offsets from the message start would not hold.
        // "{,n}" is literal text to PCRE2 10.42 but a quantifier to later versions: leave it alone.
        if Self.setsMultiline(bytes) || Self.hasOpenLowerBound(bytes) { return [] }
        // \R can match two bytes, which the syntax counts as one: keep the literals, drop the offsets.
        let offsets = !Self.hasEscape(UInt8(ascii: "R"), bytes)
        let found: [Requirement]
        if alternatives.count == 1 {
            var walker = LiteralWalker()
            walker.walk(alternatives[0])
            found = walker.finish()
        } else {
            found = Self.oneOf(alternatives.map { alternative in
                var walker = LiteralWalker()
                walker.walk(alternative)
                return walker.finish()
            }).map { [$0] } ?? []
        }
        // An offset counts from where the match starts: the message start only when anchored there.
        let anchored = offsets && alternatives.allSatisfy(Self.anchored)
        return anchored ? found : found.map { $0.map { Literal(bytes: $0.bytes, offset: nil) } }
    }

    /// One requirement for a choice between alternatives, given what each alternative requires:
    /// the best requirement of each, merged; nil when an alternative has none.
    static func oneOf(_ alternatives: [[Requirement]]) -> Requirement? {
        var merged: Requirement = []
        for requirements in alternatives {
            guard let best = requirements.max(by: { selectivity($0) < selectivity($1) }) else { return nil }
            for literal in best where !merged.contains(literal) { merged.append(literal) }
        }
        return merged.isEmpty ? nil : merged
    }

    /// How well a requirement tells lines apart: the length of its shortest literal.
    static func selectivity(_ requirement: Requirement) -> Int {
        guard var shortest = requirement.first?.bytes.count else { return 0 }
        for literal in requirement where literal.bytes.count < shortest { shortest = literal.bytes.count }
        return shortest
    }

    /// Whether the pattern turns on multi-line mode anywhere: `(?m)`, `(?im:` and the like.
    static func setsMultiline(_ bytes: [UInt8]) -> Bool {
        anyUnescaped(bytes) { i in
            guard bytes[i] == UInt8(ascii: "("), bytes[i + 1] == UInt8(ascii: "?") else { return false }
            var j = i + 2
            while j < bytes.count, Self.isOptionLetter(bytes[j]) {
                if bytes[j] == UInt8(ascii: "m") { return true }
                j += 1
            }
            return false
        }
    }

    static func isOptionLetter(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "-") || c == UInt8(ascii: "^")
    }

    /// Whether the pattern holds "{," outside an escape.
    static func hasOpenLowerBound(_ bytes: [UInt8]) -> Bool {
        anyUnescaped(bytes) { bytes[$0] == UInt8(ascii: "{") && bytes[$0 + 1] == UInt8(ascii: ",") }
    }

    /// Whether `test` holds at some position outside an escape that has a byte after it.
    private static func anyUnescaped(_ bytes: [UInt8], _ test: (Int) -> Bool) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if test(i) { return true }
            i += 1
        }
        return false
    }

    /// Whether the pattern holds the escape `\` + `letter` (outside an escaped backslash).
    static func hasEscape(_ letter: UInt8, _ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                if bytes[i + 1] == letter { return true }
                i += 2
                continue
            }
            i += 1
        }
        return false
    }

    /// Walks one sequence of items, collecting required literals with offsets relative to
    /// the start of the sequence, and the sequence's width while it is fixed.
    struct LiteralWalker {
        /// Offset of the next item, nil once a variable-width item passed.
        var offset: Int? = 0
        var run: [UInt8] = []
        var runOffset: Int?
        var found: [Requirement] = []

        mutating func flush() {
            if !run.isEmpty { found.append([Literal(bytes: run, offset: runOffset)]) }
            run = []
        }

        mutating func finish() -> [Requirement] {
            flush()
            return found
        }

        mutating func advance(min: Int, max: Int?, width: Int?) {
            if let o = offset, let w = width, max == min { offset = o + w * min } else { offset = nil }
        }

        /// Adds requirements found in a nested sequence that starts at the current offset.
        mutating func add(_ requirements: [Requirement]) {
            for requirement in requirements {
                found.append(requirement.map { literal in
                    Literal(bytes: literal.bytes, offset: offset.flatMap { base in literal.offset.map { base + $0 } })
                })
            }
        }

        mutating func walk(_ sequence: [Item]) {
            for item in sequence {
                switch item.node {
                case .chars(let set):
                    if item.min >= 1, let byte = set.single {
                        if run.isEmpty { runOffset = offset }
                        run.append(contentsOf: repeatElement(byte, count: item.min))
                        if item.max != item.min { flush() }
                    } else {
                        flush()
                    }
                    advance(min: item.min, max: item.max, width: 1)
                case .startAnchor:
                    // At the start it costs nothing; elsewhere (inside an optional group, say) leave it alone.
                    flush()
                    if offset != 0 { offset = nil }
                case .endAnchor, .assertion:
                    flush() // zero width
                case .opaque:
                    flush()
                    offset = nil
                case .group(let group):
                    walkGroup(group, item)
                }
            }
        }

        mutating func walkGroup(_ group: Group, _ item: Item) {
            switch group.kind {
            case .lookaround:
                flush() // zero width, and what it asserts is not consumed: nothing to learn
            case .conditional:
                flush()
                offset = nil
            case .capture, .plain, .atomic, .branchReset:
                if item.min == 0 {
                    flush()
                    advance(min: 0, max: item.max, width: item.max == 0 ? 0 : nil)
                    return
                }
                if group.alternatives.count == 1, item.min == 1, item.max == 1 {
                    walk(group.alternatives[0]) // the run goes on through the group
                    return
                }
                flush()
                // The alternatives' common width: none before the first, then nil once two differ.
                var width: Int?? = .none
                var inner: [[Requirement]] = []
                for alternative in group.alternatives {
                    var walker = LiteralWalker()
                    walker.walk(alternative)
                    width = width.map { $0 == walker.offset ? $0 : nil } ?? walker.offset
                    inner.append(walker.finish())
                }
                if inner.count == 1 {
                    add(inner[0]) // every literal of the first repetition is required
                } else if let requirement = PatternSyntax.oneOf(inner) {
                    add([requirement])
                }
                advance(min: item.min, max: item.max, width: width ?? nil)
            }
        }
    }
}
