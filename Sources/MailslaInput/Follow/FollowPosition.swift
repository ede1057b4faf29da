/// How far a followed file has been handed out, as stored in a checkpoint.
///
/// `path` is the followed name (`/var/log/mail.log`), not where the file sits now: after a
/// rename rotation the file being finished is still filed under the name it was followed by,
/// and a restart looks for `identity` there and among that name's rotated siblings.
public struct FollowPosition: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var identity: FileIdentity
    /// Bytes of the file's content (decompressed, for gzip) handed out or skipped: reading resumes here.
    public var offset: Int64

    public init(path: String, identity: FileIdentity, offset: Int64) {
        self.path = path
        self.identity = identity
        self.offset = offset
    }

    public var description: String { "\(path) @\(offset) (\(identity))" }
}

/// Where to start a file found at the first poll that has no stored position.
/// Files that appear later are always read from their beginning: every line they hold is new.
public enum FollowStart: Sendable, Equatable {
    case beginning
    /// After the last complete line, so a line being written is handed out whole.
    case end
}
