import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor read with read(2): a regular file, a pipe, or standard input.
public final class FileByteStream: ByteStream {
    public let path: String
    let descriptor: Int32
    private let ownsDescriptor: Bool
    public private(set) var contentOffset = 0

    /// Opens `path` for reading. Throws `InputError.unreadable` naming the path and the errno text.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(.unreadable, path: path, reason: String(cString: strerror(errno)))
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(.unreadable, path: path, reason: "is a directory")
        }
        self.path = path
        descriptor = fd
        ownsDescriptor = true
    }

    /// Reads an already open descriptor (standard input is `0`), which stays open.
    public init(descriptor: Int32, name: String) {
        path = name
        self.descriptor = descriptor
        ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 {
                contentOffset += n
                return n
            }
            if errno == EINTR { continue }
            throw InputError(.unreadable, path: path, reason: String(cString: strerror(errno)), offset: contentOffset)
        }
    }
}
