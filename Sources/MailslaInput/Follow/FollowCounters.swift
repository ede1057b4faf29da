/// What happened to one followed name, counted since the follower started.
public struct FollowPathCounters: Sendable, Equatable {
    /// Bytes read from the file (decompressed for gzip), including the dropped rest of cut lines.
    public var bytesRead = 0
    /// Lines handed out.
    public var lines = 0
    /// The name came to hold another file (rename rotation, or deletion then re-creation).
    public var rotations = 0
    /// The name disappeared while its file was followed.
    public var deletions = 0
    /// The file became shorter than the offset read, or its first bytes changed (copytruncate).
    public var truncations = 0
    /// Files opened under this name after the first one.
    public var reopens = 0
    /// Attempts to open or read that failed (permission denied, I/O error); retried later.
    public var errors = 0
    /// Lines longer than `maxLineLength`: the first `maxLineLength` bytes were handed out.
    public var linesCut = 0
    /// Unterminated last lines of finished files, handed out with a "\n".
    public var unterminatedLines = 0
    /// Stored positions whose file was found nowhere at restart: lines written after the
    /// stored offset, if any, were lost while mailsla was down.
    public var lostWhileDown = 0
    /// Stored positions past the end of their file at restart: truncated while down, read from 0.
    public var truncatedWhileDown = 0
    /// Rotated files finished at restart (found under a rotated name, gzip included).
    public var finishedAfterRestart = 0

    public init() {}
}

/// Counters per followed name (see `FollowPathCounters`).
public struct FollowCounters: Sendable, Equatable {
    public var byPath: [String: FollowPathCounters] = [:]

    public init() {}

    public subscript(path: String) -> FollowPathCounters {
        get { byPath[path] ?? FollowPathCounters() }
        set { byPath[path] = newValue }
    }
}
