/// How `mailsla tail` runs (`tail:` in mailsla.yaml): how often it
/// checkpoints, where a first start begins, and which journal it follows.
public struct TailSettings: Sendable, Equatable {
    /// Where sources begin when the state database has no position for them.
    public enum Start: Sendable, Equatable {
        /// Only what is written from now on (the default: a new install does not re-read history).
        case end
        /// Everything the files and the journal still hold.
        case beginning
        /// Journal entries from this time on (µs since the epoch); files are read from their beginning.
        case since(Int64)
    }

    /// Which journal to follow, if any.
    public enum Journal: Sendable, Equatable {
        case local
        case directory(String)
        case namespace(String)
    }

    /// Seconds between checkpoints; a shutdown writes one too.
    public var checkpointInterval: Double = 2
    /// The most snapshot bytes per second checkpoints may write: a large open state (a deferred queue of
    /// 30,000 messages makes a 16 MB snapshot) stretches the interval instead of writing 8 MB/s for months.
    /// A longer interval costs nothing in exactness: after `kill -9` the lines since are read again.
    public var checkpointBytesPerSecond: Double = 256 * 1024
    public var start: Start = .end
    public var journal: Journal?
    /// Lines (and journal messages) longer than this are cut and counted.
    public var maxLineLength = 65536

    public init() {}
}
