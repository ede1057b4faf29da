/// Pastes fragments into a pattern: `%{NAME}` as written, `%{NAME:prefix}`
/// with every named group `g` inside renamed `prefix_g`.
struct PatternExpander {
    let fileFragments: [String: String]
    let packFragments: [String: String]

    enum Failure: Error { case unknownFragment(String), unterminated }

    func expand(_ pattern: String) throws(Failure) -> String {
        var out = ""
        var rest = Substring(pattern)
        while let open = rest.range(of: "%{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { throw .unterminated }
            let reference = rest[open.upperBound..<close]
            let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
            let name = parts.first ?? ""
            guard let fragment = fileFragments[name] ?? packFragments[name] else { throw .unknownFragment(name) }
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
