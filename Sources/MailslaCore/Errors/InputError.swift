/// Input that could not be read. Says which file, where, and what to do.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case unreadable
        case corruptGzip
        case truncatedGzip
        case noMatch
        case journalRejected
        /// A file read in place became shorter under the reader (rotated with copytruncate).
        case cutWhileRead
    }

    public let code: Code
    public let path: String
    public let reason: String
    /// Uncompressed bytes delivered before the error, where that matters.
    public let offset: Int?

    public init(_ code: Code, path: String, reason: String, offset: Int? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        var text = "\(path): \(reason)"
        if let offset { text += " (after \(offset) uncompressed bytes; the lines before it were read)" }
        return text
    }
}
