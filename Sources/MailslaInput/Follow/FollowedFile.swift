import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open file under a followed name: the live file, or a rotated one being finished.
///
/// Reads blocks after the bytes already read, hands out the complete lines in them and
/// keeps the partial last line (at most `maxLineLength` bytes) for the next block. A
/// plain file is read with `pread` at an explicit offset, so a truncation only resets
/// the offset; a gzip file (a rotated file compressed while mailsla was down) is read
/// through `GzipByteStream` from its start.
final class FollowedFile {
    enum Source {
        case plain(fd: Int32)
        /// Read from its start through `TextInput` (gzip detected by its magic bytes).
        case stream(ByteStream)
    }

    /// What a `read` stopped at.
    enum Stop: Equatable {
        case endOfFile
        case budget
        case failed(InputError)
    }

    let path: String
    /// Where the file is now, for error messages (a rotated file's real name).
    let location: String
    private let source: Source
    private(set) var identity: FileIdentity
    /// Bytes handed out or skipped: the stored position.
    private(set) var offset: Int64
    /// Bytes read from the file: `offset` plus the pending partial line.
    private var readOffset: Int64
    private var pending: [UInt8] = []
    /// Inside a line longer than the limit whose first part was handed out.
    private var skipping = false
    /// Set when the name moved on to another file (or vanished): finish, then close.
    var rotatedSince: Double?
    /// Last time a read found new bytes (monotonic seconds).
    var lastGrowth: Double

    var position: FollowPosition { FollowPosition(path: path, identity: identity, offset: offset) }
    /// A stream is a rotated file finished after a restart: it never grows, so it closes at its end.
    var isStream: Bool { if case .stream = source { true } else { false } }

    init(path: String, location: String, source: Source, identity: FileIdentity, offset: Int64, now: Double) {
        self.path = path
        self.location = location
        self.source = source
        self.identity = identity
        self.offset = offset
        self.readOffset = offset
        self.lastGrowth = now
    }

    deinit {
        if case .plain(let fd) = source { close(fd) }
    }

    /// The device and inode of the open descriptor (nil for a stream).
    var openInode: (device: UInt64, inode: UInt64)? {
        guard case .plain(let fd) = source else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// The size of a plain file now (0 for a stream, which is never a current file).
    var currentSize: Int64 {
        guard case .plain(let fd) = source else { return 0 }
        var st = stat()
        return fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
    }

    /// For a plain file: whether it was truncated or rewritten under the bytes read
    /// (size below what was read, or first bytes no longer those fingerprinted); on the
    /// way, extends the fingerprint to bytes that arrived since.
    func checkTruncation() -> Bool {
        guard case .plain(let fd) = source else { return false }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return false }
        if Int64(st.st_size) < readOffset { return true }
        guard identity.fingerprintLength < FileIdentity.fingerprintSpan || Int64(st.st_size) > readOffset else {
            return false
        }
        var head = [UInt8](repeating: 0, count: FileIdentity.fingerprintSpan)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return false }
        return head.withUnsafeBytes { raw in
            let head = UnsafeRawBufferPointer(rebasing: raw[..<n])
            guard identity.matches(head: head) else { return true }
            if n > identity.fingerprintLength {
                identity = FileIdentity(device: identity.device, inode: identity.inode, head: head)
            }
            return false
        }
    }

    /// Starts over at byte 0 after a truncation, with the identity of the new content.
    /// The pending partial line is handed out first: its rest is gone.
    func restartAfterTruncation(work: WorkBuffer, counters: inout FollowPathCounters,
                                _ body: (FollowedChunk) throws -> Void) rethrows {
        try finishPending(work: work, counters: &counters, body)
        offset = 0
        readOffset = 0
        pending.removeAll()
        skipping = false
        if case .plain(let fd) = source, let fresh = Self.identity(of: fd) { identity = fresh }
    }

    /// Reads and hands out complete lines until the end of the file or until `budget` bytes were read.
    func read(work: WorkBuffer, budget: inout Int, now: Double, counters: inout FollowPathCounters,
              _ body: (FollowedChunk) throws -> Void) throws -> Stop {
        while budget > 0 {
            let carried = pending.count
            work.bytes.baseAddress!.copyMemory(from: pending, byteCount: carried)
            let room = UnsafeMutableRawBufferPointer(rebasing: work.bytes[carried..<carried + min(work.blockSize, budget)])
            let n: Int
            switch source {
            case .plain(let fd):
                n = pread(fd, room.baseAddress, room.count, off_t(readOffset))
                if n < 0 {
                    if errno == EINTR { continue }
                    return .failed(InputError(.unreadable, path: location, reason: String(cString: strerror(errno)),
                                              offset: Int(readOffset)))
                }
            case .stream(let stream):
                do { n = try stream.read(into: room) } catch let error as InputError { return .failed(error) }
            }
            if n == 0 { return .endOfFile }
            lastGrowth = now
            budget -= n
            readOffset += Int64(n)
            counters.bytesRead += n
            pending.removeAll(keepingCapacity: true)
            do {
                try handOut(work: work, count: carried + n, counters: &counters, body)
            } catch {
                // The body refused a chunk: read again from the last chunk it accepted.
                readOffset = offset
                pending.removeAll()
                throw error
            }
        }
        return .budget
    }

    /// Hands out the complete lines in `work.bytes[0..<count]`, cutting long ones, and keeps
    /// the partial last line in `pending`. `count` bytes end at `readOffset`.
    private func handOut(work: WorkBuffer, count: Int, counters: inout FollowPathCounters,
                         _ body: (FollowedChunk) throws -> Void) throws {
        let base = work.bytes.baseAddress!
        let origin = readOffset - Int64(count)
        let limit = work.maxLineLength
        var chunkStart = 0
        var lineStart = 0
        var lines = 0
        func emit(_ end: Int, resumeAt: Int64) throws {
            if end > chunkStart {
                counters.lines += lines
                lines = 0
                let next = FollowPosition(path: path, identity: identity, offset: resumeAt)
                try body(FollowedChunk(path: path, identity: identity,
                                       bytes: UnsafeRawBufferPointer(start: base + chunkStart, count: end - chunkStart),
                                       end: next))
            }
            offset = resumeAt
        }
        while lineStart < count {
            let found = memchr(base + lineStart, 0x0A, count - lineStart)
            if skipping {
                guard let found else {
                    lineStart = count
                    chunkStart = count
                    offset = readOffset
                    break
                }
                skipping = false
                lineStart = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + 1
                chunkStart = lineStart
                offset = origin + Int64(lineStart)
                continue
            }
            if let found {
                let newline = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if newline - lineStart > limit {
                    base.storeBytes(of: 0x0A, toByteOffset: lineStart + limit, as: UInt8.self)
                    counters.linesCut += 1
                    lines += 1
                    try emit(lineStart + limit + 1, resumeAt: origin + Int64(newline + 1))
                    chunkStart = newline + 1
                } else {
                    lines += 1
                }
                lineStart = newline + 1
            } else if count - lineStart > limit {
                base.storeBytes(of: 0x0A, toByteOffset: lineStart + limit, as: UInt8.self)
                counters.linesCut += 1
                lines += 1
                try emit(lineStart + limit + 1, resumeAt: origin + Int64(lineStart + limit))
                skipping = true
                lineStart = count
                chunkStart = count
                offset = readOffset
                break
            } else {
                break
            }
        }
        try emit(lineStart, resumeAt: origin + Int64(lineStart))
        if lineStart < count {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + lineStart, count: count - lineStart))
        }
    }

    /// Hands out the pending partial line with a "\n": the file is finished (or truncated).
    func finishPending(work: WorkBuffer, counters: inout FollowPathCounters,
                       _ body: (FollowedChunk) throws -> Void) rethrows {
        guard !pending.isEmpty, !skipping else {
            pending.removeAll()
            offset = readOffset
            return
        }
        let count = pending.count
        work.bytes.baseAddress!.copyMemory(from: pending, byteCount: count)
        work.bytes[count] = 0x0A
        counters.unterminatedLines += 1
        counters.lines += 1
        let next = FollowPosition(path: path, identity: identity, offset: readOffset)
        try body(FollowedChunk(path: path, identity: identity,
                               bytes: UnsafeRawBufferPointer(rebasing: work.bytes[...count]), end: next))
        pending.removeAll()
        offset = readOffset
    }

    /// The identity of an open plain file (device, inode, first bytes), or nil when it cannot be read.
    static func identity(of fd: Int32) -> FileIdentity? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        var head = [UInt8](repeating: 0, count: FileIdentity.fingerprintSpan)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return nil }
        return head.withUnsafeBytes {
            FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), head: UnsafeRawBufferPointer(rebasing: $0[..<n]))
        }
    }
}

/// The follower's one reading buffer: a partial line plus one block, and a byte for a "\n".
final class WorkBuffer {
    let bytes: UnsafeMutableRawBufferPointer
    let maxLineLength: Int
    let blockSize: Int

    init(maxLineLength: Int, blockSize: Int) {
        self.maxLineLength = maxLineLength
        self.blockSize = blockSize
        bytes = .allocate(byteCount: maxLineLength + blockSize + 1, alignment: 16)
    }

    deinit { bytes.deallocate() }
}
