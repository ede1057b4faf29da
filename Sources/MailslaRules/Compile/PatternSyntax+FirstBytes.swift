/// The first byte of a match, as a cheap test the classifier runs before PCRE2.
///
/// Nearly every rule is anchored at the start of the message and begins with
/// the daemon's own words (`connect from`, `warning:`, a queue ID), so the
/// first byte of a message already rules out most of a program's rules. PCRE2
/// computes no start bitmap for anchored patterns; this does, from the parsed
/// pattern, erring on the side of "could start with anything".
extension PatternSyntax {
    /// The bytes a match can start with, or nil when that is unknown (an
    /// unanchored alternative, a back reference, a conditional, or a match
    /// that can be empty).
    var firstBytes: ByteSet? {
        var set = ByteSet.empty
        for alternative in alternatives {
            guard Self.anchored(alternative), let first = Self.first(alternative), !first.nullable else { return nil }
            set = set.union(first.set)
        }
        return set
    }

    /// The bytes `sequence` can start with and whether it can match nothing; nil when unknown.
    static func first(_ sequence: [Item]) -> (set: ByteSet, nullable: Bool)? {
        var set = ByteSet.empty
        for item in sequence {
            switch item.node {
            case .startAnchor, .endAnchor, .assertion:
                continue // zero-width: the bytes come from what follows
            case .opaque:
                return nil
            case .chars(let bytes):
                set = set.union(bytes)
                if item.min > 0 { return (set, false) }
            case .group(let group):
                switch group.kind {
                case .lookaround: continue // zero-width; ignoring it only widens the set
                case .conditional: return nil
                case .capture, .plain, .atomic, .branchReset:
                    var nullable = false
                    for alternative in group.alternatives {
                        guard let inner = first(alternative) else { return nil }
                        set = set.union(inner.set)
                        nullable = nullable || inner.nullable
                    }
                    if item.min > 0 && !nullable { return (set, false) }
                }
            }
        }
        return (set, true)
    }
}
