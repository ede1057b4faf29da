/// Complete lines of one followed file, handed to `FileFollower.poll`'s body.
///
/// `bytes` holds whole lines, each ending in "\n", and is only valid during the call.
/// Two kinds of line get a "\n" the file does not have: a line cut at `maxLineLength`,
/// and the unterminated last line of a file that is finished (rotated away or deleted).
/// Both are counted in `FollowCounters`.
public struct FollowedChunk {
    /// The followed name (as in `FollowPosition.path`).
    public let path: String
    public let identity: FileIdentity
    public let bytes: UnsafeRawBufferPointer
    /// Where reading resumes after these lines; store it once they are processed.
    /// Its offset can lie past `bytes` (the dropped rest of a cut line).
    public let end: FollowPosition
}
