// libFuzzer target: the line framer. The input is cut into chunks whose sizes
// come from the input itself, fed through a framer with a small line limit and
// block size (so every boundary case is near), and the lines handed out are
// checked against a plain split of the same bytes.
import MailslaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineFramer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let maxLine = Int(data[0] % 64) + 1
    let block = Int(data[1] % 64) + 1
    let input = UnsafeBufferPointer(start: data + 2, count: size - 2)
    var framer = LineFramer(maxLineLength: maxLine, blockSize: block)
    var got: [[UInt8]] = []
    func collect(_ batch: LineBatch) {
        for span in batch.lines {
            precondition(span.start >= 0 && span.end >= span.start && Int(span.end) <= batch.bytes.count, "span outside its batch")
            got.append(Array(batch.bytes[Int(span.start)..<Int(span.end)]))
        }
    }
    // Chunk sizes: each input byte after the first two also says how far the next append reaches.
    var offset = 0
    var step = 0
    while offset < input.count {
        let length = min(input.count - offset, Int(input[step % input.count]) % 97 + 1)
        step += 1
        for batch in framer.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset..<offset + length]))) { collect(batch) }
        offset += length
    }
    collect(framer.takeLines(atEnd: true))

    // The reference: split on LF, drop one trailing CR, cut at the limit; a final unterminated line counts.
    var expected: [[UInt8]] = []
    var truncated = 0
    var start = 0
    let bytes = Array(input)
    while start < bytes.count {
        let newline = bytes[start...].firstIndex(of: 0x0A)
        var end = newline ?? bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 } // an unterminated last line loses its CR too
        var line = Array(bytes[start..<end])
        if line.count > maxLine {
            truncated += 1
            line = Array(line.prefix(maxLine))
        }
        expected.append(line)
        start = (newline ?? bytes.count) + 1
    }
    precondition(framer.counters.bytes == input.count, "bytes counted \(framer.counters.bytes), fed \(input.count)")
    precondition(framer.counters.lines == got.count, "lines counted \(framer.counters.lines), handed out \(got.count)")
    precondition(got.allSatisfy { $0.count <= maxLine && !$0.contains(0x0A) }, "a line over the limit or holding a newline")
    // A CR just before the cut of an over-long line is framer policy; compare the lines that were not cut.
    if truncated == 0 {
        precondition(got == expected, "framed lines differ from a plain split: \(got.count) vs \(expected.count)")
    } else {
        precondition(got.count == expected.count, "line count \(got.count), expected \(expected.count)")
        precondition(framer.counters.truncatedLines == truncated, "truncated \(framer.counters.truncatedLines), expected \(truncated)")
    }
    return 0
}
