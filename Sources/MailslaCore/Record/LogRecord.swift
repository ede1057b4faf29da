/// One parsed log line or journal entry: where and when it was logged, by
/// whom, and where its message bytes are. A plain 32-byte value: the bytes
/// live in the batch that carries the record.
public struct LogRecord: Sendable, Equatable {
    /// Microseconds since the Unix epoch, UTC; `LogRecord.noTime` when the line had none.
    public var time: Int64
    public var host: Symbol
    public var program: Symbol
    /// The process id, or -1 when the line named none.
    public var pid: Int32
    /// Offsets of the whole line and of its message inside the batch's bytes.
    public var lineStart: Int32
    public var messageStart: Int32
    public var messageEnd: Int32

    public static let noTime = Int64.min

    public init(time: Int64, host: Symbol, program: Symbol, pid: Int32,
                lineStart: Int32, messageStart: Int32, messageEnd: Int32) {
        self.time = time
        self.host = host
        self.program = program
        self.pid = pid
        self.lineStart = lineStart
        self.messageStart = messageStart
        self.messageEnd = messageEnd
    }
}
