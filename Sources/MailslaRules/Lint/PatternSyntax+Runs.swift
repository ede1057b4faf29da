/// The run check behind `rules lint`: a run of one byte class with no upper
/// bound that must give bytes back. `[^\r\n]*\)$` takes a 64 KiB line to its
/// end and then backtracks byte by byte to find the last `)`; `[^<>]*?>?$`
/// takes one byte per step. Each byte is a step against the PCRE2 match
/// limit, and any other choice point before the run (an optional group, a
/// queue id that two alternatives read) repeats the whole walk, so such a
/// line goes unclassified. Possessive runs (`*+`, or a tempered loop
/// `(?:[^)]++|\)(?!$))*+`) read the line once.
extension PatternSyntax {
    /// Every run that can backtrack over the line, in pattern order.
    var backtrackingRuns: [Item] {
        var found: [Item] = []
        for alternative in alternatives { Self.findRuns(alternative, after: .empty, into: &found) }
        return found
    }

    /// `after`: the bytes that can follow the sequence inside the part of the pattern
    /// that may backtrack into it (empty at the end of the pattern, of an atomic or
    /// possessive group, of a look-around).
    static func findRuns(_ sequence: [Item], after: ByteSet, into found: inout [Item]) {
        for (index, item) in sequence.enumerated() {
            let next = follow(sequence[(index + 1)...], after: after)
            switch item.node {
            case .chars(let set):
                guard item.max == nil, !item.possessive else { continue }
                // Lazy: one step per byte whatever follows (PCRE2 does not make it possessive
                // past an optional item). Greedy: only when it can take what must follow it.
                let lastOfPattern = index == sequence.count - 1 && after.isEmpty
                if item.lazy ? !lastOfPattern : !set.isDisjoint(with: next) { found.append(item) }
            case .group(let group):
                let committed = item.possessive || group.kind == .atomic || group.kind == .lookaround
                let inner = committed ? ByteSet.empty : (item.repeats ? next.union(first(item)) : next)
                for alternative in group.alternatives { findRuns(alternative, after: inner, into: &found) }
            default: continue
            }
        }
    }

    /// The bytes that can come next after a sequence's prefix: the first bytes of
    /// the rest, across parts that may be empty, up to an end anchor; then `after`.
    static func follow(_ rest: ArraySlice<Item>, after: ByteSet) -> ByteSet {
        var set = ByteSet.empty
        for item in rest {
            if case .endAnchor = item.node { return set }
            set = set.union(first(item))
            if !nullable(item) { return set }
        }
        return set.union(after)
    }
}
