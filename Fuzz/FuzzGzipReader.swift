// libFuzzer target: the gzip reader. The input is the compressed stream, read
// from memory in blocks whose size the first byte picks; output is capped so a
// small bomb cannot stall the run. Errors are expected (corrupt, truncated,
// trailing garbage); a crash, a hang or an offset that disagrees is not.
import MailslaCore
import MailslaInput

/// The fuzz input as a byte stream, handed out `block` bytes at a time.
final class MemoryByteStream: ByteStream {
    let bytes: UnsafeBufferPointer<UInt8>
    let block: Int
    private(set) var contentOffset = 0
    init(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        self.bytes = bytes
        self.block = block
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, block, bytes.count - contentOffset)
        guard n > 0 else { return 0 }
        buffer.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[contentOffset..<contentOffset + n])))
        contentOffset += n
        return n
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzipReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let block = Int(data[0] % 32) * 97 + 1
    let source = MemoryByteStream(UnsafeBufferPointer(start: data + 1, count: size - 1), block: block)
    let gzip = GzipByteStream(source: source, path: "fuzz.gz", inputBlock: block)
    let outputSize = Int(data[0] % 7) * 4099 + 1
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputSize, alignment: 16)
    defer { output.deallocate() }
    var total = 0
    var framer = LineFramer(maxLineLength: 4096, blockSize: 65536)
    // At most 4,096 reads and 4 MiB per input: a small bomb read a byte at a time must not stall the run.
    let cap = min(4 << 20, outputSize * 4096)
    do {
        while total < cap {
            let n = try gzip.read(into: output)
            if n == 0 { break }
            total += n
            _ = framer.append(UnsafeRawBufferPointer(rebasing: output[0..<n]))
            precondition(gzip.contentOffset == total, "contentOffset \(gzip.contentOffset), delivered \(total)")
        }
    } catch let error as InputError {
        precondition(error.path == "fuzz.gz", "the error must name the file")
        if let offset = error.offset { precondition(offset >= total, "error offset \(offset) before what was delivered \(total)") }
        // A read after an error never yields more bytes.
        if let n = try? gzip.read(into: output) { precondition(n == 0, "a read after an error gave \(n) bytes") }
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
