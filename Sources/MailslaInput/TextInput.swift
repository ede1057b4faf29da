import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An opened text input: its byte stream (gzip detected by magic bytes, not
/// by name) and what is known about when it was written.
public struct TextInput {
    public let name: String
    public let stream: ByteStream
    /// The file's modification time (seconds since the epoch), or nil for standard input.
    public let modificationTime: Int?
    public let compressed: Bool
    /// The file mapped for framing in place: set for a plain (uncompressed) regular file, which
    /// `LineReader` then reads without copying; `stream` reads the same bytes.
    public let mapped: MappedFile?

    /// Opens an input. Throws `InputError` naming the path when it cannot be read.
    public static func open(_ input: InputPaths.Input) throws -> TextInput {
        switch input {
        case .standardInput:
            let raw = FileByteStream(descriptor: 0, name: "-")
            return try detect(PeekingByteStream(raw), name: "-", mtime: nil, mappable: nil)
        case .file(let path):
            let raw = try FileByteStream(path: path)
            var st = stat()
            let mtime = stat(path, &st) == 0 ? Int(st.st_mtim.tv_sec) : nil
            return try detect(PeekingByteStream(raw), name: path, mtime: mtime, mappable: raw)
        }
    }

    private static func detect(_ peeking: PeekingByteStream, name: String, mtime: Int?,
                               mappable: FileByteStream?) throws -> TextInput {
        let head = try peeking.peek(2)
        let gzip = head.count == 2 && head[0] == 0x1F && head[1] == 0x8B
        let stream: ByteStream = gzip ? GzipByteStream(source: peeking, path: name) : peeking
        let mapped = gzip ? nil : mappable.flatMap { MappedFile($0) }
        return TextInput(name: name, stream: stream, modificationTime: mtime, compressed: gzip, mapped: mapped)
    }
}

/// Lets the opener look at the first bytes (the gzip magic) without losing them.
final class PeekingByteStream: ByteStream {
    private let base: ByteStream
    private var pending: [UInt8] = []
    private(set) var contentOffset = 0

    init(_ base: ByteStream) { self.base = base }

    func peek(_ count: Int) throws -> [UInt8] {
        var scratch = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = try scratch.withUnsafeMutableBytes { try base.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        pending = Array(scratch[..<got])
        return pending
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !pending.isEmpty {
            let n = min(buffer.count, pending.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pending.removeFirst(n)
            contentOffset += n
            return n
        }
        let n = try base.read(into: buffer)
        contentOffset += n
        return n
    }
}
