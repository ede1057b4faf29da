import Foundation
import MailslaCore
@testable import MailslaInput
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every line a reader hands out, its framing counters and how it ended.
private func readLines(_ reader: inout LineReader) -> (lines: [[UInt8]], counters: FramingCounters, borrowed: Bool) {
    var lines: [[UInt8]] = []
    var borrowed = false
    while let batch = reader.next() {
        borrowed = borrowed || batch.bytes.isBorrowed
        for span in batch.lines { lines.append(batch.bytes[Int(span.start)..<Int(span.end)]) }
    }
    return (lines, reader.counters, borrowed)
}

/// The lines of `batch` as text; `batch` must be there.
private func texts(of batch: LineBatch?) throws -> [String] {
    let batch = try #require(batch)
    return batch.lines.map { String(decoding: batch.bytes[Int($0.start)..<Int($0.end)], as: UTF8.self) }
}

/// A reader of `path` framed in place, in mappings of `segmentSize` bytes.
private func mappedReader(_ path: String, segmentSize: Int, maxLine: Int, block: Int) throws -> LineReader {
    let file = try FileByteStream(path: path)
    let mapped = try #require(MappedFile(file, segmentSize: segmentSize))
    let input = TextInput(name: path, stream: file, modificationTime: nil, compressed: false, mapped: mapped)
    return LineReader(input, framer: LineFramer(maxLineLength: maxLine, blockSize: block))
}

/// A reader of `path` through read(2) into the framer's buffer, as a pipe is read.
private func bufferedReader(_ path: String, maxLine: Int, block: Int) throws -> LineReader {
    let input = TextInput(name: path, stream: try FileByteStream(path: path), modificationTime: nil, compressed: false,
                          mapped: nil)
    return LineReader(input, framer: LineFramer(maxLineLength: maxLine, blockSize: block))
}

/// Lines of random lengths (some past the limit), some with CR or NUL, perhaps no final newline.
private func randomLog(_ rng: inout SplitMix64, lines: Int, maxLine: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for _ in 0..<lines {
        let length = rng.next() % 8 == 0 ? Int(rng.next() % UInt64(maxLine * 3)) : Int(rng.next() % UInt64(maxLine))
        for _ in 0..<length { bytes.append(UInt8(0x20 + rng.next() % 90)) }
        if rng.next() % 16 == 0, !bytes.isEmpty { bytes[bytes.count - 1] = 0 }
        if rng.next() % 8 == 0 { bytes.append(0x0D) }
        bytes.append(0x0A)
    }
    if rng.next() % 2 == 0 { bytes.removeLast() }
    return bytes
}

@Suite struct LineReaderTests {
    /// The in-place reader must hand out exactly what reading into a buffer does: same lines,
    /// same cut lines, same counters, across window and mapping boundaries.
    @Test func framingInPlaceGivesTheLinesOfBufferedReading() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var rng = SplitMix64(seed: 7)
        for round in 0..<40 {
            let maxLine = 16 + Int(rng.next() % 200)
            let block = 64 + Int(rng.next() % 3000)
            let path = directory.appendingPathComponent("log\(round)").path
            let bytes = randomLog(&rng, lines: 50 + Int(rng.next() % 400), maxLine: maxLine)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var buffered = try bufferedReader(path, maxLine: maxLine, block: block)
            let expected = readLines(&buffered)
            var mapped = try mappedReader(path, segmentSize: 4096 * (1 + Int(rng.next() % 3)), maxLine: maxLine, block: block)
            let got = readLines(&mapped)
            #expect(got.borrowed && !expected.borrowed)
            #expect(got.lines == expected.lines, "round \(round)")
            #expect(got.counters == expected.counters, "round \(round)")
            let failures = (mapped.failure, buffered.failure)
            #expect(failures.0 == nil && failures.1 == nil)
        }
    }

    /// A file that ends exactly at a page boundary without a newline: its last line comes out
    /// whole, and nothing reads past the mapping.
    @Test func aFileEndingAtAPageBoundaryWithoutANewline() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var bytes = [UInt8](repeating: 0x61, count: 2 * page)
        bytes[100] = 0x0A
        let path = directory.appendingPathComponent("page").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var reader = LineReader(try TextInput.open(.file(path)), framer: LineFramer(maxLineLength: 3 * page, blockSize: 1000))
        let mapped = reader.input.mapped
        #expect(mapped != nil)
        let got = readLines(&reader)
        #expect(got.lines.map(\.count) == [100, 2 * page - 101])
        let failure = reader.failure
        #expect(failure == nil)
    }

    /// A regular file its file system cannot map (a sysfs attribute: 4096 bytes by `stat`,
    /// `mmap` fails with ENODEV) is read with read(2), not reported as unreadable.
    @Test func aFileThatCannotBeMappedIsRead() throws {
        let candidates = ["/sys/devices/system/cpu/online", "/sys/kernel/uevent_seqnum", "/sys/power/state"]
        let path = try #require(candidates.first { FileManager.default.fileExists(atPath: $0) })
        var reader = LineReader(try TextInput.open(.file(path)), framer: LineFramer(blockSize: 4096))
        let mapped = reader.input.mapped
        #expect(mapped == nil)
        let got = readLines(&reader)
        #expect(got.lines.count == 1 && !got.lines[0].isEmpty)
        let failure = reader.failure
        #expect(failure == nil)
    }

    /// Lines appended while the file is being read are read too, as read(2) would.
    @Test func linesAppendedDuringTheReadAreRead() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("growing").path
        let first = (0..<100).map { "line \($0)\n" }.joined()
        try Data(first.utf8).write(to: URL(fileURLWithPath: path))
        var reader = try mappedReader(path, segmentSize: 1 << 20, maxLine: 256, block: 256)
        var lines = try texts(of: reader.next())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((100..<150).map { "line \($0)\n" }.joined().utf8))
        try handle.close()
        while let batch = reader.next() { lines += try texts(of: batch) }
        #expect(lines == (0..<150).map { "line \($0)" })
        let failure = reader.failure
        #expect(failure == nil)
    }

    /// logrotate's copytruncate cuts the file while it is read: the reader must not die of
    /// SIGBUS, must not hand out the zeros it read, and must say which file was cut and where.
    @Test(arguments: [0, 5000])
    func aFileCutWhileItIsReadIsReportedNotFatal(cutTo size: Int) throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cut").path
        let text = (0..<5000).map { String(format: "line %05d of the log\n", $0) }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var reader = try mappedReader(path, segmentSize: 1 << 20, maxLine: 256, block: 8192)
        var lines = try texts(of: reader.next())
        #expect(truncate(path, off_t(size)) == 0)
        while let batch = reader.next() { lines += try texts(of: batch) }
        let ended = reader.failure
        let failure = try #require(ended)
        #expect(failure.code == .cutWhileRead)
        #expect(failure.path == path)
        #expect(failure.description.contains("cut to \(size) bytes"))
        // Whatever came out is the file's own lines, in order, none of them zeros.
        #expect(!lines.isEmpty)
        #expect(lines == (0..<lines.count).map { String(format: "line %05d of the log", $0) })
        #expect(lines.count < 5000)
        // The dropped window's lines are not counted as read either.
        let counted = reader.counters.lines
        #expect(counted == lines.count)
    }
}
