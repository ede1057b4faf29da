/// Where one line sits inside a `LineBatch`'s bytes (newline and a trailing CR excluded).
public struct LineSpan: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    public init(start: Int, end: Int) {
        self.start = Int32(start)
        self.end = Int32(end)
    }
    public var count: Int { Int(end - start) }
}

/// Complete lines cut from a byte stream, sharing one buffer.
public struct LineBatch: Sendable {
    public var bytes: BatchBytes
    public var lines: [LineSpan]

    public init(bytes: BatchBytes = BatchBytes(), lines: [LineSpan] = []) {
        self.bytes = bytes
        self.lines = lines
    }

    public init(bytes: [UInt8], lines: [LineSpan]) {
        self.init(bytes: BatchBytes(bytes), lines: lines)
    }

    public func text(_ span: LineSpan) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(span.start)..<Int(span.end)]), as: UTF8.self)
        }
    }
}
