/// What the framer saw that a reader of the summary should know about.
public struct FramingCounters: Sendable, Equatable {
    /// Lines handed on, including cut ones.
    public var lines = 0
    /// Lines longer than the limit: the first `maxLineLength` bytes were kept, the rest dropped.
    public var truncatedLines = 0
    /// Lines that ended in CR LF (the CR is removed).
    public var crlfLines = 0
    /// Lines that contain a NUL byte (kept as they are).
    public var nulLines = 0
    /// Bytes consumed from the stream.
    public var bytes = 0

    public init() {}

    public static func += (a: inout FramingCounters, b: FramingCounters) {
        a.lines += b.lines
        a.truncatedLines += b.truncatedLines
        a.crlfLines += b.crlfLines
        a.nulLines += b.nulLines
        a.bytes += b.bytes
    }

    /// What `a` counted since it was `b`.
    public static func - (a: FramingCounters, b: FramingCounters) -> FramingCounters {
        var d = FramingCounters()
        d.lines = a.lines - b.lines
        d.truncatedLines = a.truncatedLines - b.truncatedLines
        d.crlfLines = a.crlfLines - b.crlfLines
        d.nulLines = a.nulLines - b.nulLines
        d.bytes = a.bytes - b.bytes
        return d
    }
}
