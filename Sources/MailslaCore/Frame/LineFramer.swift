#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a byte stream into lines, a large block at a time.
///
/// Readers write straight into the framer's buffer (`fill`), then take the
/// complete lines out as one `LineBatch` (`takeLines`); a partial last line
/// stays for the next block. Lines are found with `memchr`; nothing is
/// allocated per line. A line longer than `maxLineLength` is cut at the limit
/// and counted, and the rest of it up to its newline is dropped, so memory
/// stays bounded whatever the input.
public struct LineFramer {
    public let maxLineLength: Int
    public let blockSize: Int
    public private(set) var counters = FramingCounters()

    private var buffer: [UInt8]
    /// Bytes in `buffer` not yet handed out (the partial line first, then new data).
    private var filled = 0
    /// Inside an over-long line whose first part was already handed out.
    private var skippingRestOfLongLine = false
    private var spans: [LineSpan] = []

    public init(maxLineLength: Int = 65536, blockSize: Int = 1 << 20) {
        precondition(maxLineLength > 0 && blockSize > 0)
        self.maxLineLength = maxLineLength
        self.blockSize = blockSize
        // One byte more than a full line and a block: a partial line of the limit plus its CR waits for the LF.
        buffer = Self.makeBuffer(maxLineLength + blockSize + 1)
    }

    private static func makeBuffer(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Lets `read` write up to one block after the pending bytes; returns what it read (0 at the end).
    public mutating func fill(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        let room = min(blockSize, buffer.count - filled)
        let start = filled
        let n = try buffer.withUnsafeMutableBytes { raw in
            try read(UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + room]))
        }
        precondition(n >= 0 && n <= room)
        filled += n
        counters.bytes += n
        return n
    }

    /// Copies `bytes` in, block by block, returning every complete line found.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) -> [LineBatch] {
        var batches: [LineBatch] = []
        var offset = 0
        while offset < bytes.count {
            let n = fill { dst in
                let count = min(dst.count, bytes.count - offset)
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
                return count
            }
            offset += n
            let batch = takeLines(atEnd: false)
            if !batch.lines.isEmpty { batches.append(batch) }
        }
        return batches
    }

    /// Hands out every complete line. At the end of the stream (`atEnd`) an
    /// unterminated last line counts as a line too.
    public mutating func takeLines(atEnd: Bool) -> LineBatch {
        spans.removeAll(keepingCapacity: true)
        var consumed = 0
        let filled = self.filled
        let max = maxLineLength
        var local = FramingCounters()
        var skipping = skippingRestOfLongLine
        buffer.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            let hasNul = filled > 0 && memchr(base, 0, filled) != nil
            var start = 0
            while start < filled {
                let found = memchr(base + start, 0x0A, filled - start)
                let end: Int
                if let found {
                    end = base.distance(to: UnsafeRawPointer(found))
                } else if skipping {
                    start = filled  // still inside the dropped tail of a long line
                    break
                } else if filled - start > max,
                          !(filled - start == max + 1 && base.load(fromByteOffset: filled - 1, as: UInt8.self) == 0x0D) {
                    // Partial line already past the limit: cut it now, drop the rest until its newline.
                    // (A line of exactly the limit whose CR ended this block waits: its LF may follow.)
                    spans.append(LineSpan(start: start, end: start + max))
                    local.truncatedLines += 1
                    if hasNul, memchr(base + start, 0, max) != nil { local.nulLines += 1 }
                    skipping = true
                    start = filled
                    break
                } else if atEnd {
                    end = filled
                } else {
                    break
                }
                if skipping {
                    skipping = false
                    start = end + 1
                    continue
                }
                var lineEnd = end
                if lineEnd > start, base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D {
                    lineEnd -= 1
                    local.crlfLines += 1
                }
                if lineEnd - start > max {
                    lineEnd = start + max
                    local.truncatedLines += 1
                }
                if hasNul, lineEnd > start, memchr(base + start, 0, lineEnd - start) != nil { local.nulLines += 1 }
                spans.append(LineSpan(start: start, end: lineEnd))
                start = end + 1
            }
            consumed = Swift.min(start, filled)
        }
        skippingRestOfLongLine = skipping
        local.lines = spans.count
        local.bytes = 0
        counters += local

        // Hand the filled buffer away and keep the partial line in a fresh one.
        let rest = filled - consumed
        var next = Self.makeBuffer(buffer.count)
        if rest > 0 {
            next.withUnsafeMutableBytes { dst in
                buffer.withUnsafeBytes { src in
                    dst.baseAddress!.copyMemory(from: src.baseAddress! + consumed, byteCount: rest)
                }
            }
        }
        self.filled = rest
        var out = next
        swap(&out, &buffer)
        return LineBatch(bytes: out, lines: spans)
    }
}
