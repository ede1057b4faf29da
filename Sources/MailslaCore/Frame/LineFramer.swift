import CLineScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a byte stream into lines, a large block at a time.
///
/// Readers write straight into the framer's buffer (`fill`), then take the
/// complete lines out as one `LineBatch` (`takeLines`); a partial last line
/// stays for the next block. A mapped file is framed where it lies instead
/// (`takeLines(inPlace:)`, driven by `LineReader`): same lines, no copy. The
/// newlines of a block are found in one vector pass (`CLineScan`); nothing is
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
    /// Where `takeLines` writes the block's newline offsets: room for one per byte, touched only as far as used.
    private var newlineEnds: [Int32]

    /// Bytes per read unless told otherwise: what suits stages on several threads, each batch
    /// handed on as a whole (classify-only on two threads ran 6 % faster than with 512 KiB).
    public static let defaultBlockSize = 1 << 20
    /// Bytes per read when one thread runs every stage on a batch back to back: a batch's bytes,
    /// records and events then stay in a core's 1 MiB L2 between stages (frame+parse+classify on
    /// one core 5 % faster than with 1 MiB, docs/performance.md, session 12).
    public static let oneThreadBlockSize = 1 << 19

    public init(maxLineLength: Int = 65536, blockSize: Int = defaultBlockSize) {
        precondition(maxLineLength > 0 && blockSize > 0)
        self.maxLineLength = maxLineLength
        self.blockSize = blockSize
        // One byte more than a full line and a block: a partial line of the limit plus its CR waits for the LF.
        let size = maxLineLength + blockSize + 1
        buffer = Self.makeBuffer(size)
        newlineEnds = [Int32](unsafeUninitializedCapacity: size) { _, initialized in initialized = size }
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
        let filled = self.filled
        let current = buffer  // framed while `frame` updates the counters: no overlapping access to `self`
        let (spans, consumed) = current.withUnsafeBufferPointer { frame($0.baseAddress!, filled, atEnd: atEnd) }
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
        return LineBatch(bytes: BatchBytes(out), lines: spans)
    }

    /// Frames `window` where it lies, without copying it (a mapped file's bytes): the window
    /// starts with the bytes the previous call did not consume, followed by `newBytes` bytes
    /// not seen before, and holds at most `blockSize` of those. Returns the complete lines (at
    /// the end of the stream, `atEnd`, an unterminated last line too) and how many of the
    /// window's bytes they used up; the next window starts after them.
    public mutating func takeLines(inPlace window: BatchBytes, newBytes: Int,
                                   atEnd: Bool) -> (lines: LineBatch, consumed: Int) {
        precondition(newBytes >= 0 && newBytes <= blockSize && window.count <= newlineEnds.count)
        counters.bytes += newBytes
        let (spans, consumed) = window.withUnsafeBufferPointer { bytes in
            bytes.isEmpty ? ([], 0) : frame(bytes.baseAddress!, bytes.count, atEnd: atEnd)
        }
        return (LineBatch(bytes: window, lines: spans), consumed)
    }

    /// The lines of `base[0..<filled]`, and how many bytes they used up (the rest is a partial
    /// line, or the dropped tail of an over-long one); counts them.
    private mutating func frame(_ base: UnsafePointer<UInt8>, _ filled: Int, atEnd: Bool) -> (spans: [LineSpan], consumed: Int) {
        let max = maxLineLength
        var local = FramingCounters()
        var skipping = skippingRestOfLongLine
        var consumed = 0
        // Every newline of the block in one pass (and whether it holds a NUL at all), then the
        // lines between them: no call and no mispredicted exit per line.
        var hasNul = false
        let found = newlineEnds.withUnsafeMutableBufferPointer { ends in
            line_scan_newlines(base, filled, ends.baseAddress!, &hasNul)
        }
        // One line per newline, and perhaps one unterminated or cut line after the last.
        let spans = [LineSpan](unsafeUninitializedCapacity: found + 1) { out, written in
            var n = 0
            var start = 0
            // Hands out the line `start..<end` (its newline, or the end of the stream, at `end`).
            @inline(__always) func emit(_ end: Int) {
                var lineEnd = end
                if lineEnd > start, base[lineEnd - 1] == 0x0D {
                    lineEnd -= 1
                    local.crlfLines += 1
                }
                if lineEnd - start > max {
                    lineEnd = start + max
                    local.truncatedLines += 1
                }
                if hasNul, lineEnd > start, memchr(base + start, 0, lineEnd - start) != nil { local.nulLines += 1 }
                (out.baseAddress! + n).initialize(to: LineSpan(start: start, end: lineEnd))
                n += 1
            }
            newlineEnds.withUnsafeBufferPointer { ends in
                for k in 0..<found {
                    let end = Int(ends[k])
                    if skipping {
                        skipping = false  // the newline that ends the dropped tail of a long line
                    } else {
                        emit(end)
                    }
                    start = end + 1
                }
            }
            // No newline after `start`.
            if start < filled {
                if skipping {
                    start = filled  // still inside the dropped tail of a long line
                } else if filled - start > max,
                          !(filled - start == max + 1 && base[filled - 1] == 0x0D) {
                    // Partial line already past the limit: cut it now, drop the rest until its newline.
                    // (A line of exactly the limit whose CR ended this block waits: its LF may follow.)
                    (out.baseAddress! + n).initialize(to: LineSpan(start: start, end: start + max))
                    n += 1
                    local.truncatedLines += 1
                    if hasNul, memchr(base + start, 0, max) != nil { local.nulLines += 1 }
                    skipping = true
                    start = filled
                } else if atEnd {
                    emit(filled)
                    start = filled
                }
            }
            consumed = start
            written = n
        }
        skippingRestOfLongLine = skipping
        local.lines = spans.count
        local.bytes = 0
        counters += local
        return (spans, consumed)
    }
}
