#if canImport(Glibc)
import Glibc
#endif

/// A literal the classifier looks for before PCRE2, in raw memory the rule set owns.
///
/// A literal at a fixed offset (a fixed-width start of an anchored pattern before
/// it) is one comparison. Anywhere else it is a `memchr` for its rarest byte
/// (rarest in the pack's own example lines), then a comparison around each hit:
/// looking for the `(` of ` (queue active)` skips a whole qmgr line in one step,
/// where its first byte, a space, would stop at every word.
struct LiteralProbe {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    /// Offset from the start of the message, or -1: anywhere.
    let offset: Int
    /// Index in `bytes` of the byte `memchr` looks for.
    let anchor: Int

    /// Whether the literal occurs in the message (at its offset, when it has one).
    @inline(__always)
    func occurs(in message: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        if offset >= 0 {
            return offset &+ count <= length && equals(message + offset)
        }
        guard count <= length else { return false }
        let byte = Int32(bytes[anchor])
        var from = anchor
        let last = length &- count &+ anchor
        while from <= last {
            guard let hit = memchr(message + from, byte, last &- from &+ 1) else { return false }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - message
            if equals(message + (at &- anchor)) { return true }
            from = at &+ 1
        }
        return false
    }

    /// Whether the literal's bytes start at `start`: first and last byte compared inline,
    /// since most candidates differ there and a `memcmp` call costs more than the test.
    @inline(__always)
    private func equals(_ start: UnsafePointer<UInt8>) -> Bool {
        let end = count &- 1
        return count == 0 || (start[0] == bytes[0] && start[end] == bytes[end]
            && (count <= 2 || memcmp(start + 1, bytes + 1, count &- 2) == 0))
    }
}

/// The literal tests of one rule: every group must find one of its literals.
/// Each group is exact (a message without any of its literals cannot match), so
/// the test only ever skips PCRE2 calls that would have failed, and the counts of
/// PCRE2 runs stay a function of the lines alone.
struct LiteralPrefilter {
    typealias Groups = UnsafeBufferPointer<UnsafeBufferPointer<LiteralProbe>>
    /// The rule's `requires:` list, then literals at fixed offsets (one comparison each),
    /// then literals anywhere in the line.
    let groups: Groups

    /// Whether the message has one literal of every group.
    @inline(__always)
    func passes(_ message: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        for group in groups {
            var found = false
            for probe in group where probe.occurs(in: message, length) {
                found = true
                break
            }
            if !found { return false }
        }
        return true
    }

    init(required: [PatternSyntax.Requirement], derived: [PatternSyntax.Requirement], rarity: ByteRarity) {
        let fixed = derived.filter { $0.allSatisfy { $0.offset != nil } }
        groups = Self.copy(required + fixed + derived.filter { $0.contains { $0.offset == nil } }, rarity: rarity)
    }

    func deallocate() {
        for group in groups {
            for probe in group { probe.bytes.deallocate() }
            group.deallocate()
        }
        groups.deallocate()
    }

    /// Copies `groups` into memory the prefilter owns.
    private static func copy(_ groups: [PatternSyntax.Requirement], rarity: ByteRarity) -> Groups {
        let outer = UnsafeMutableBufferPointer<UnsafeBufferPointer<LiteralProbe>>.allocate(capacity: groups.count)
        for (g, group) in groups.enumerated() {
            let inner = UnsafeMutableBufferPointer<LiteralProbe>.allocate(capacity: group.count)
            for (i, literal) in group.enumerated() {
                let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, literal.bytes.count))
                bytes.initialize(from: literal.bytes, count: literal.bytes.count)
                inner.baseAddress!.advanced(by: i).initialize(to: LiteralProbe(
                    bytes: bytes, count: literal.bytes.count, offset: literal.offset ?? -1,
                    anchor: rarity.rarestIndex(literal.bytes)))
            }
            outer.baseAddress!.advanced(by: g).initialize(to: UnsafeBufferPointer(inner))
        }
        return UnsafeBufferPointer(outer)
    }

    /// The literal groups worth testing for a pattern, besides its `requires:` list: the
    /// longest literal at a fixed offset (one comparison, so always worth it unless the
    /// first-byte dispatch already did its work), else the most selective literal anywhere
    /// when it is long enough to tell lines apart.
    static func choose(_ requirements: [PatternSyntax.Requirement]) -> [PatternSyntax.Requirement] {
        let fixed = requirements.filter { $0.allSatisfy { $0.offset != nil } }
        let best = fixed.max { PatternSyntax.selectivity($0) < PatternSyntax.selectivity($1) }
        if let best, PatternSyntax.selectivity(best) >= 4 { return [best] }
        var chosen: [PatternSyntax.Requirement] = []
        if let best, best.contains(where: { $0.bytes.count >= 2 || $0.offset != 0 }) { chosen.append(best) }
        let anywhere = requirements.filter { $0.contains { $0.offset == nil } }
        if let floating = anywhere.max(by: { PatternSyntax.selectivity($0) < PatternSyntax.selectivity($1) }),
           PatternSyntax.selectivity(floating) >= 3 {
            chosen.append(floating)
        }
        return chosen
    }
}

/// How often each byte occurs in typical log text, to pick the byte a literal search
/// looks for. Counted over the pack's example lines; a byte never seen counts as rare.
struct ByteRarity {
    private var counts = [Int](repeating: 0, count: 256)

    init(lines: [String]) {
        for line in lines {
            for byte in line.utf8 { counts[Int(byte)] += 1 }
        }
    }

    /// The index of the rarest byte of `bytes` (the first one on a tie).
    func rarestIndex(_ bytes: [UInt8]) -> Int {
        var best = 0
        for (i, byte) in bytes.enumerated() where counts[Int(byte)] < counts[Int(bytes[best])] { best = i }
        return best
    }
}
