/// A program-name glob: `*` matches any run of characters (slashes too), `?` one character.
public struct ProgramGlob: Sendable, Equatable {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        bytes = Array(pattern.utf8)
    }

    /// How much of a name the glob pins down: its literal characters.
    public var precision: Int { bytes.filter { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "?") }.count }

    public func matches(_ name: String) -> Bool {
        let s = Array(name.utf8)
        var p = 0, i = 0
        var star = -1, resume = 0
        while i < s.count {
            if p < bytes.count, bytes[p] == UInt8(ascii: "?") || bytes[p] == s[i] {
                p += 1
                i += 1
            } else if p < bytes.count, bytes[p] == UInt8(ascii: "*") {
                star = p
                resume = i
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                i = resume
            } else {
                return false
            }
        }
        while p < bytes.count, bytes[p] == UInt8(ascii: "*") { p += 1 }
        return p == bytes.count
    }
}
