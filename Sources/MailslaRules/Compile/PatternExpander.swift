/// Pastes fragments into a pattern: `%{NAME}` as written, `%{NAME:prefix}`
/// with every named group `g` inside renamed `prefix_g`. Fragments may use
/// other fragments, up to a small depth (a cycle is an error).
///
/// It works on the UTF-8 bytes: every marker it looks for is ASCII, and a
/// search by `Character` (Foundation's `range(of:)`) cost a third of the
/// pack's compile time.
struct PatternExpander {
    let fileFragments: [String: String]
    let packFragments: [String: String]

    enum Failure: Error { case unknownFragment(String), unterminated, tooDeep(String) }

    static let maxDepth = 8

    func expand(_ pattern: String, depth: Int = 0) throws(Failure) -> String {
        var out: [UInt8] = []
        try expand(Array(pattern.utf8), depth: depth, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func expand(_ pattern: [UInt8], depth: Int, into out: inout [UInt8]) throws(Failure) {
        var rest = pattern[...]
        while let open = Self.find([UInt8(ascii: "%"), UInt8(ascii: "{")], in: rest) {
            out += rest[..<open]
            let body = open + 2
            guard let close = rest[body...].firstIndex(of: UInt8(ascii: "}")) else { throw .unterminated }
            let parts = rest[body..<close].split(separator: UInt8(ascii: ":"), maxSplits: 1)
            let name = parts.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            guard let raw = fileFragments[name] ?? packFragments[name] else { throw .unknownFragment(name) }
            guard depth < Self.maxDepth else { throw .tooDeep(name) }
            if parts.count == 2 {
                var fragment: [UInt8] = []
                try expand(Array(raw.utf8), depth: depth + 1, into: &fragment)
                Self.renameGroups(fragment[...], prefix: Array(parts[1]), into: &out)
            } else {
                try expand(Array(raw.utf8), depth: depth + 1, into: &out)
            }
            rest = rest[(close + 1)...]
        }
        out += rest
    }

    /// `(?<g>` and `(?P<g>` become `(?<prefix_g>`.
    static func renameGroups(_ fragment: String, prefix: String) -> String {
        var out: [UInt8] = []
        renameGroups(Array(fragment.utf8)[...], prefix: Array(prefix.utf8), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let named: [UInt8] = Array("(?<".utf8)
    private static let pythonNamed: [UInt8] = Array("(?P<".utf8)

    private static func renameGroups(_ fragment: ArraySlice<UInt8>, prefix: [UInt8], into out: inout [UInt8]) {
        var rest = fragment
        // Every `(?<` first, then `(?P<`, as the search has always gone.
        while let start = find(named, in: rest) ?? find(pythonNamed, in: rest) {
            let end = start + (rest[start + 2] == UInt8(ascii: "<") ? 3 : 4)
            out += rest[..<end]
            let after = rest[end...]
            // Look-behind `(?<=` and `(?<!` are not names.
            if let first = after.first, first != UInt8(ascii: "="), first != UInt8(ascii: "!") {
                out += prefix
                out.append(UInt8(ascii: "_"))
            }
            rest = after
        }
        out += rest
    }

    /// Where `needle` first starts in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
