import Testing
@testable import MailslaCore

/// Frames `input` fed in the given chunk sizes and returns the lines as byte arrays.
private func frame(_ input: [UInt8], chunks: [Int], maxLine: Int = 65536, block: Int = 1 << 20)
    -> (lines: [[UInt8]], counters: FramingCounters) {
    var framer = LineFramer(maxLineLength: maxLine, blockSize: block)
    var lines: [[UInt8]] = []
    var offset = 0
    var k = 0
    func collect(_ batch: LineBatch) {
        for span in batch.lines { lines.append(Array(batch.bytes[Int(span.start)..<Int(span.end)])) }
    }
    while offset < input.count {
        let size = min(chunks[k % chunks.count], input.count - offset)
        k += 1
        input[offset..<offset + size].withUnsafeBytes { raw in
            for batch in framer.append(raw) { collect(batch) }
        }
        offset += size
    }
    collect(framer.takeLines(atEnd: true))
    return (lines, framer.counters)
}

/// The reference: split on LF, drop a trailing CR, keep an unterminated last line.
private func reference(_ input: [UInt8]) -> [[UInt8]] {
    var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> [UInt8] in
        var l = Array(line)
        if l.last == 0x0D { l.removeLast() }
        return l
    }
    if input.last == 0x0A || input.isEmpty { lines.removeLast() }
    return lines
}

@Suite struct LineFramerTests {
    @Test func randomChunkSizesMatchTheReferenceSplit() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<200 {
            var input: [UInt8] = []
            for _ in 0..<Int(rng.next() % 60) {
                let length = Int(rng.next() % 120)
                input += (0..<length).map { _ in UInt8(32 + rng.next() % 90) }
                if rng.next() % 7 == 0 { input.append(0x0D) }
                input.append(0x0A)
            }
            if round % 3 == 0 { input += Array("tail without newline".utf8) }
            let chunks = (0..<5).map { _ in 1 + Int(rng.next() % 97) }
            let block = 16 + Int(rng.next() % 300)
            let (lines, counters) = frame(input, chunks: chunks, block: block)
            #expect(lines == reference(input), "round \(round) chunks \(chunks) block \(block)")
            #expect(counters.lines == lines.count)
            #expect(counters.bytes == input.count)
            #expect(counters.truncatedLines == 0)
        }
    }

    @Test func overLongLinesAreCutCountedAndTheRestDropped() {
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 5000)
        let input = Array("first\n".utf8) + long + Array("\nlast\n".utf8)
        for chunk in [1, 7, 64, 4096, 10000] {
            let (lines, counters) = frame(input, chunks: [chunk], maxLine: 100, block: 256)
            #expect(lines.map(\.count) == [5, 100, 4], "chunk \(chunk)")
            #expect(lines[2] == Array("last".utf8))
            #expect(counters.truncatedLines == 1)
        }
    }

    @Test func unterminatedOverLongLineAtTheEndIsCutOnce() {
        let input = [UInt8](repeating: UInt8(ascii: "b"), count: 1000)
        let (lines, counters) = frame(input, chunks: [33], maxLine: 100, block: 64)
        #expect(lines.map(\.count) == [100])
        #expect(counters.truncatedLines == 1)
    }

    @Test func crlfAndNulBytesAreCountedAndKept() {
        let input: [UInt8] = Array("a\r\nb\0c\n\r\n".utf8)
        let (lines, counters) = frame(input, chunks: [2])
        #expect(lines == [Array("a".utf8), [UInt8(ascii: "b"), 0, UInt8(ascii: "c")], []])
        #expect(counters.crlfLines == 2)
        #expect(counters.nulLines == 1)
    }

    /// Found by Fuzz/FuzzLineFramer (input "\r" with a 14-byte limit and 25-byte blocks): an
    /// unterminated last line loses a trailing CR like any other line, and counts as a CR LF line.
    @Test func aLoneCarriageReturnAtTheEndIsAnEmptyLine() {
        let (lines, counters) = frame([0x0D], chunks: [1], maxLine: 14, block: 25)
        #expect(lines == [[]])
        #expect(counters.lines == 1 && counters.crlfLines == 1 && counters.bytes == 1)
    }

    /// Found by Fuzz/FuzzLineFramer (a 7-byte limit, 1-byte blocks): a line of exactly the limit
    /// whose CR and LF arrive in different reads was cut and counted as truncated; it is whole.
    @Test func aLineOfTheLimitWithCRLFAcrossReadsIsNotTruncated() {
        let input = Array("abcdefg\r\nxy\r\n".utf8)
        for chunk in [1, 2, 3, 8, 9] {
            let (lines, counters) = frame(input, chunks: [chunk], maxLine: 7, block: chunk)
            #expect(lines == [Array("abcdefg".utf8), Array("xy".utf8)], "chunks of \(chunk)")
            #expect(counters.truncatedLines == 0 && counters.crlfLines == 2, "chunks of \(chunk)")
        }
        let (lines, counters) = frame(Array("abcdefgh\r\n".utf8), chunks: [1], maxLine: 7, block: 1)
        #expect(lines == [Array("abcdefg".utf8)] && counters.truncatedLines == 1)
    }

    /// The block scan finds newlines 64 bytes at a time and NULs per block: lines of every length
    /// around those widths, NULs, stray and final CRs and over-long lines, in random blocks and
    /// reads, give the lines and counters of a plain split cut at the limit.
    @Test func randomBytesWithNulsCRsAndLongLinesMatchTheReferenceCounts() {
        var rng = SplitMix64(seed: 6)
        for round in 0..<300 {
            let maxLine = 20 + Int(rng.next() % 150)
            var input: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) {
                let length = Int(rng.next() % 260)
                input += (0..<length).map { _ -> UInt8 in
                    switch rng.next() % 200 {
                    case 0: 0
                    case 1: 0x0D
                    default: UInt8(97 + rng.next() % 26)
                    }
                }
                if rng.next() % 5 == 0 { input.append(0x0D) }
                input.append(0x0A)
            }
            if round % 4 == 0 { input += [UInt8](repeating: 0x78, count: Int(rng.next() % 300)) + [0, 0x0D] }
            let chunks = (0..<4).map { _ in 1 + Int(rng.next() % 400) }
            let block = 1 + Int(rng.next() % 700)
            let (lines, counters) = frame(input, chunks: chunks, maxLine: maxLine, block: block)

            let whole = reference(input)
            let expected = whole.map { Array($0.prefix(maxLine)) }
            #expect(lines == expected, "round \(round) limit \(maxLine) block \(block) chunks \(chunks)")
            #expect(counters.lines == expected.count)
            #expect(counters.truncatedLines == whole.filter { $0.count > maxLine }.count, "round \(round)")
            #expect(counters.nulLines == expected.filter { $0.contains(0) }.count, "round \(round)")
            // A CR before the cut of an over-long line may be dropped with its tail: count the others only.
            let crlf = input.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().filter { index, raw in
                raw.last == 0x0D && raw.count - 1 <= maxLine && (index < whole.count)
            }.count
            let crlfLong = input.split(separator: 0x0A, omittingEmptySubsequences: false).filter {
                $0.last == 0x0D && $0.count - 1 > maxLine
            }.count
            #expect(counters.crlfLines >= crlf && counters.crlfLines <= crlf + crlfLong, "round \(round)")
            #expect(counters.bytes == input.count)
        }
    }

    @Test func emptyInputGivesNoLines() {
        let (lines, counters) = frame([], chunks: [1])
        #expect(lines.isEmpty)
        #expect(counters.lines == 0)
    }
}

