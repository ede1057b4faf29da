import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or standard output written with write(2), for byte buffers built by hand.
public final class OutputFile {
    public let path: String
    private let fd: Int32
    private let owns: Bool

    /// `-` is standard output. Throws a message naming the path.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
            owns = false
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            owns = true
        }
    }

    deinit { if owns { close(fd) } }

    /// Writes what `json` holds once it reaches `threshold` bytes (0: whatever it holds), then empties it.
    public func drain(_ json: inout JSONLineWriter, atLeast threshold: Int = 0) throws {
        guard !json.buffer.isEmpty, json.buffer.count >= threshold else { return }
        try write(json.buffer)
        json.reset()
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(path: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }
}

/// Output that could not be written.
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}
