/// Pastes fragments into a pattern: `%{NAME}` as written, `%{NAME:prefix}`
/// with every named group `g` inside renamed `prefix_g`. Fragments may use
/// other fragments, up to a small depth (a cycle is an error).
struct PatternExpander {
    let fileFragments: [String: String]
    let packFragments: [String: String]

    enum Failure: Error { case unknownFragment(String), unterminated, tooDeep(String) }

    static let maxDepth = 8

    func expand(_ pattern: String, depth: Int = 0) throws(Failure) -> String {
        var out = ""
        var rest = Substring(pattern)
        while let open = rest.range(of: "%{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { throw .unterminated }
            let reference = rest[open.upperBound..<close]
            let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
            let name = parts.first ?? ""
            guard let raw = fileFragments[name] ?? packFragments[name] else { throw .unknownFragment(name) }
            guard depth < Self.maxDepth else { throw .tooDeep(name) }
            let fragment = try expand(raw, depth: depth + 1)
            out += parts.count == 2 ? Self.renameGroups(fragment, prefix: parts[1]) : fragment
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// `(?<g>` and `(?P<g>` become `(?<prefix_g>`.
    static func renameGroups(_ fragment: String, prefix: String) -> String {
        var out = ""
        var rest = Substring(fragment)
        while let r = rest.range(of: "(?<") ?? rest.range(of: "(?P<") {
            out += rest[..<r.upperBound]
            let after = rest[r.upperBound...]
            // Look-behind `(?<=` and `(?<!` are not names.
            if let first = after.first, first != "=", first != "!" { out += prefix + "_" }
            rest = after
        }
        return out + rest
    }
}
