/// Case changes and comparisons for ASCII words (verdicts, actions) without
/// Foundation's Unicode machinery, which costs a trip into ICU per call.
public enum ASCII {
    public static func uppercased(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// Whether `needle` occurs in `haystack`, byte for byte (no Unicode rules, no Foundation).
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        guard n.count <= h.count else { return false }
        if n.isEmpty { return true }
        for start in 0...(h.count - n.count) where h[start] == n[0] && h[start..<start + n.count].elementsEqual(n) {
            return true
        }
        return false
    }

    public static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { x, y in (x | 0x20) == (y | 0x20) }
    }
}
