/// Records with the bytes they point into: the unit that moves between
/// stages, so no stage pays for one hop per line.
public struct RecordBatch: Sendable {
    public var bytes: BatchBytes
    public var records: [LogRecord]

    public init(bytes: BatchBytes = BatchBytes(), records: [LogRecord] = []) {
        self.bytes = bytes
        self.records = records
    }

    public init(bytes: [UInt8], records: [LogRecord] = []) {
        self.init(bytes: BatchBytes(bytes), records: records)
    }

    /// The message bytes of `record`, valid inside `body` only.
    @inlinable
    public func withMessage<R>(_ record: LogRecord, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[Int(record.messageStart)..<Int(record.messageEnd)]))
        }
    }

    /// The message as text; invalid UTF-8 becomes U+FFFD.
    public func message(of record: LogRecord) -> String {
        withMessage(record) { String(decoding: $0, as: UTF8.self) }
    }
}
