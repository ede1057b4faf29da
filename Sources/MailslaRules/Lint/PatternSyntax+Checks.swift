/// The shape checks behind `rules lint`: anchoring, catch-all patterns and
/// nested quantifiers. Heuristics over the parsed pattern, meant to point a
/// rule author at the few patterns worth a second look; `rules bench`
/// measures what they really cost.
extension PatternSyntax {
    /// A repeated group whose repetitions can split the same text in many
    /// ways (`(a+)+`, `(\w+\s?)*`, `(.*)*`, `(\w|\d)+`): on a line that
    /// fails late, backtracking tries every split.
    struct NestedQuantifier {
        /// The repeated group.
        var outer: Item
        /// The repeated part inside it that overlaps its neighbour or itself.
        var inner: Item
    }

    /// True when every alternative starts at `^` (or `\A`, `\G`), possibly
    /// inside a group or after a zero-width test.
    var isAnchored: Bool { alternatives.allSatisfy(Self.anchored) }

    static func anchored(_ sequence: [Item]) -> Bool {
        for item in sequence {
            switch item.node {
            case .startAnchor: return true
            case .assertion: continue
            case .group(let group) where group.kind == .lookaround: continue
            case .group(let group) where item.min >= 1 && group.kind != .conditional:
                return group.alternatives.allSatisfy(anchored)
            default: return false
            }
        }
        return false
    }

    /// True when the pattern matches every message: it can succeed without
    /// requiring any particular byte (`^.*$`, `^`, `(?:.*)`, an empty pattern).
    var matchesEverything: Bool {
        alternatives.contains { Self.universal($0).matches }
    }

    /// Whether `sequence` matches any message from its start, and whether it
    /// can then stand at the end of the message (a `.*` ran to the end).
    static func universal(_ sequence: [Item]) -> (matches: Bool, atEnd: Bool) {
        var atEnd = false
        for item in sequence {
            switch item.node {
            case .startAnchor: continue
            case .endAnchor:
                if !atEnd && item.min > 0 { return (false, false) }
            case .chars(let set) where item.max == nil && set.isSuperset(of: .allButNewline):
                atEnd = true // .+ too: every message but the empty one
            case .group(let group) where group.kind != .lookaround:
                let best = group.alternatives.map(universal).filter(\.matches)
                if best.contains(where: \.atEnd) {
                    atEnd = true
                } else if item.min > 0 && best.isEmpty {
                    return (false, false)
                }
            default:
                if item.min > 0 { return (false, false) }
            }
        }
        return (true, atEnd)
    }

    /// The `.*`-like item at the very start of the pattern (after `^`), if
    /// any: text before the daemon's own words, which an attacker controls.
    var leadingWildcard: Item? {
        for alternative in alternatives {
            if let item = Self.leadingWildcard(alternative) { return item }
        }
        return nil
    }

    static func leadingWildcard(_ sequence: [Item]) -> Item? {
        for item in sequence {
            switch item.node {
            case .startAnchor, .assertion: continue
            case .chars(let set):
                return item.max == nil && set.isSuperset(of: .allButNewline) ? item : nil
            case .group(let group) where group.kind == .lookaround: continue
            case .group(let group) where group.kind != .conditional:
                for alternative in group.alternatives {
                    if let inner = leadingWildcard(alternative) { return inner }
                }
                return nil
            default: return nil
            }
        }
        return nil
    }

    /// Every repeated group whose repetitions are ambiguous, outermost first
    /// (a flagged group is not searched again inside).
    var nestedQuantifiers: [NestedQuantifier] {
        var found: [NestedQuantifier] = []
        for alternative in alternatives { Self.findNested(alternative, into: &found) }
        return found
    }

    static func findNested(_ sequence: [Item], into found: inout [NestedQuantifier]) {
        for item in sequence {
            guard case .group(let group) = item.node else { continue }
            if item.repeats, !item.possessive, let inner = ambiguousPart(of: group, outerUnbounded: item.max == nil) {
                found.append(NestedQuantifier(outer: item, inner: inner))
                continue
            }
            for alternative in group.alternatives { findNested(alternative, into: &found) }
        }
    }

    /// The part of a repeated group that makes its repetitions ambiguous:
    /// a repeated element followed (cyclically, across the repetition
    /// boundary, over elements that may be empty) by one whose first byte it
    /// could also take where it may stop (`tail`); or two one-byte
    /// alternatives that overlap.
    static func ambiguousPart(of group: Group, outerUnbounded: Bool) -> Item? {
        if group.alternatives.count > 1 {
            let single = group.alternatives.map(elements).filter { $0.count == 1 }.map { $0[0] }
            for (i, a) in single.enumerated() {
                for b in single[(i + 1)...] where !consumed(a).isDisjoint(with: consumed(b)) { return b }
            }
        }
        for alternative in group.alternatives {
            let parts = elements(alternative)
            for (i, x) in parts.enumerated() where repeating(x) {
                guard outerUnbounded || unbounded(x) else { continue }
                let taken = tail(x)
                for step in 1...parts.count {
                    let y = parts[(i + step) % parts.count]
                    if !first(y).isDisjoint(with: taken) { return x }
                    if !nullable(y) { break }
                }
            }
        }
        return nil
    }

    /// The consuming parts of a sequence, with plain single-alternative groups opened up.
    static func elements(_ sequence: [Item]) -> [Item] {
        var out: [Item] = []
        for item in sequence {
            switch item.node {
            case .startAnchor, .endAnchor, .assertion: continue
            case .group(let group) where group.kind == .lookaround: continue
            case .group(let group) where item.min == 1 && item.max == 1 && group.alternatives.count == 1
                && group.kind != .atomic:
                out += elements(group.alternatives[0])
            default: out.append(item)
            }
        }
        return out
    }

    /// True for an item that repeats, or contains a part that repeats, and may backtrack into it.
    static func repeating(_ item: Item) -> Bool {
        if item.possessive { return false }
        if item.repeats { return true }
        guard case .group(let group) = item.node, group.kind != .atomic, group.kind != .lookaround else { return false }
        return group.alternatives.contains { $0.contains(where: repeating) }
    }

    static func unbounded(_ item: Item) -> Bool {
        if item.max == nil { return true }
        guard case .group(let group) = item.node, group.kind != .lookaround else { return false }
        return group.alternatives.contains { $0.contains(where: unbounded) }
    }

    /// Every byte the item can consume.
    static func consumed(_ item: Item) -> ByteSet {
        switch item.node {
        case .chars(let set): return set
        case .startAnchor, .endAnchor, .assertion: return .empty
        case .opaque: return .all
        case .group(let group):
            if group.kind == .lookaround { return .empty }
            return group.alternatives.reduce(ByteSet.empty) { acc, alt in
                alt.reduce(acc) { $0.union(consumed($1)) }
            }
        }
    }

    /// The bytes that could extend the item's match at a point where it
    /// could also stop: another round of a repeat, or a longer last part.
    /// `(?:[^">]|"[^"]*")*` can stop before `>` and cannot go on with it.
    static func tail(_ item: Item) -> ByteSet {
        var set = ByteSet.empty
        switch item.node {
        case .chars(let chars): if item.repeats { set = chars }
        case .startAnchor, .endAnchor, .assertion: return .empty
        case .opaque: return .all
        case .group(let group):
            if group.kind == .lookaround { return .empty }
            for alternative in group.alternatives {
                for part in alternative.reversed() {
                    set = set.union(tail(part))
                    if !nullable(part) { break }
                    set = set.union(first(part))
                }
            }
            if item.repeats { set = set.union(first(item)) }
        }
        return set
    }

    /// The bytes the item's match can start with.
    static func first(_ item: Item) -> ByteSet {
        switch item.node {
        case .chars(let set): return set
        case .startAnchor, .endAnchor, .assertion: return .empty
        case .opaque: return .all
        case .group(let group):
            if group.kind == .lookaround { return .empty }
            var set = ByteSet.empty
            for alternative in group.alternatives {
                for part in alternative {
                    set = set.union(first(part))
                    if !nullable(part) { break }
                }
            }
            return set
        }
    }

    /// True when the item can match the empty string.
    static func nullable(_ item: Item) -> Bool {
        if item.min == 0 { return true }
        switch item.node {
        case .chars, .opaque: return false
        case .startAnchor, .endAnchor, .assertion: return true
        case .group(let group):
            return group.kind == .lookaround || group.alternatives.contains { $0.allSatisfy(nullable) }
        }
    }
}
