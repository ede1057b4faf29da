import MailslaCore
import CZlib

/// Inflates a gzip stream as it is read, member after member (a concatenated
/// `.gz` is one stream), so a month of compressed logs never sits in memory.
///
/// A stream that ends inside a member, or bytes that are not gzip, throw an
/// `InputError` that names the file and the uncompressed offset reached;
/// everything inflated before it was already delivered.
public final class GzipByteStream: ByteStream {
    public let path: String
    private let source: ByteStream
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var initialized = false
    private var inputEnded = false
    private var memberEnded = true
    private var finished = false
    public private(set) var contentOffset = 0
    /// An error met after some bytes of a read were inflated: those bytes are delivered first.
    private var pendingError: InputError?

    public init(source: ByteStream, path: String, inputBlock: Int = 256 * 1024) {
        self.source = source
        self.path = path
        input = .allocate(byteCount: inputBlock, alignment: 16)
    }

    deinit {
        if initialized { inflateEnd(&stream) }
        input.deallocate()
    }

    /// True when `bytes` starts with the gzip magic number.
    public static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pendingError { throw pendingError }
        if finished || buffer.count == 0 { return 0 }
        do {
            return try inflateBlock(into: buffer)
        } catch let error as InputError {
            let n = produced(buffer)
            guard n > 0 else { throw error }
            pendingError = error
            contentOffset += n
            return n
        }
    }

    private func inflateBlock(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0, !inputEnded {
                let n = try source.read(into: input)
                if n == 0 {
                    inputEnded = true
                } else {
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                }
            }
            if stream.avail_in == 0, inputEnded {
                if !memberEnded {
                    throw InputError(.truncatedGzip, path: path, reason: "gzip stream ends inside a member (truncated file)",
                                     offset: contentOffset + produced(buffer))
                }
                finished = true
                break
            }
            if memberEnded {
                // A new member starts; anything but the magic after a complete member is trailing garbage.
                if initialized {
                    guard stream.avail_in < 2 || (stream.next_in[0] == 0x1F && stream.next_in[1] == 0x8B) else {
                        throw InputError(.corruptGzip, path: path, reason: "bytes after the last gzip member are not gzip",
                                         offset: contentOffset + produced(buffer))
                    }
                    inflateReset(&stream)
                } else {
                    guard shim_inflate_init_gzip(&stream) == Z_OK else {
                        throw InputError(.corruptGzip, path: path, reason: "zlib could not start")
                    }
                    initialized = true
                }
                memberEnded = false
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw InputError(.corruptGzip, path: path, reason: "corrupt gzip data: \(message)",
                                 offset: contentOffset + produced(buffer))
            }
        }
        let n = produced(buffer)
        contentOffset += n
        return n
    }

    private func produced(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        buffer.count - Int(stream.avail_out)
    }
}
