import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain regular file read in place: windows of it are borrowed from mappings, so no byte is
/// copied into a buffer (the kernel's copy was a twelfth of frame+parse+classify on one core).
///
/// The file is mapped a segment of `segmentSize` bytes at a time, each window inside one
/// segment; a segment is unmapped once the last batch that borrows it is gone, so the mapped
/// (and resident) part of a month-long log stays a few segments. A file that grows while it is
/// read is read to its new end, as `read(2)` would. A file cut under the reader (logrotate's
/// copytruncate) reads as zeros past the cut instead of killing the process (`SigbusGuard`);
/// `LineReader` sees the cut (one `fstat` per window) and reports the file.
public final class MappedFile {
    public let path: String
    /// The open file: its descriptor stays open while this lives, to map the next segments.
    private let file: FileByteStream
    private var segment: MappedSegment?
    /// The file's size when last asked (fstat), grown as the reader reaches it.
    private var knownSize: Int
    private let segmentSize: Int

    /// Bytes mapped at once: large enough that mapping costs nothing per window, small enough
    /// that a few live segments add little to the resident set.
    public static let segmentSize = 8 << 20

    /// `file` mapped in place, or nil when it is not a regular file with bytes in it (a pipe,
    /// a device, an empty file) or its file system cannot map it: those are read with `read(2)`.
    init?(_ file: FileByteStream, segmentSize: Int = MappedFile.segmentSize) {
        var st = stat()
        guard fstat(file.descriptor, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        path = file.path
        self.file = file
        knownSize = Int(st.st_size)
        self.segmentSize = segmentSize
        guard let first = map(from: 0, length: min(knownSize, segmentSize)) else { return nil }
        segment = first
        SigbusGuard.install()
    }

    /// Up to `count` bytes from `offset`: fewer at the end of the file, none past it. Throws
    /// `InputError` naming the file when the mapping fails.
    func window(at offset: Int, count: Int) throws -> BatchBytes {
        if offset + count > knownSize { refreshSize() }
        let available = max(0, min(count, knownSize - offset))
        guard available > 0 else { return BatchBytes() }
        if let segment, offset >= segment.offset, offset + available <= segment.offset + segment.length {
            return segment.window(at: offset, count: available)
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset & ~(page - 1)
        let length = min(knownSize - start, max(segmentSize, offset + available - start))
        guard let next = map(from: start, length: length) else {
            throw InputError(.unreadable, path: path, reason: "cannot map the file: \(String(cString: strerror(errno)))",
                             offset: offset)
        }
        segment = next
        return next.window(at: offset, count: available)
    }

    /// `length` bytes of the file from `start` (a page boundary) mapped read-only, or nil (errno says why).
    private func map(from start: Int, length: Int) -> MappedSegment? {
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, file.descriptor, off_t(start)),
              mapped != MAP_FAILED else { return nil }
        return MappedSegment(base: UnsafeRawPointer(mapped), offset: start, length: length)
    }

    /// The file's size now; a file cut shorter reports its new size.
    func currentSize() -> Int {
        refreshSize()
        return knownSize
    }

    private func refreshSize() {
        var st = stat()
        if fstat(file.descriptor, &st) == 0 { knownSize = Int(st.st_size) }
    }
}

/// One mapping of part of a file, unmapped when the last window borrowing it is let go.
final class MappedSegment {
    let base: UnsafeRawPointer
    /// Where the mapping starts in the file (a page boundary), and its length.
    let offset: Int
    let length: Int

    init(base: UnsafeRawPointer, offset: Int, length: Int) {
        self.base = base
        self.offset = offset
        self.length = length
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    func window(at fileOffset: Int, count: Int) -> BatchBytes {
        BatchBytes(borrowing: (base + (fileOffset - offset)).assumingMemoryBound(to: UInt8.self), count: count, owner: self)
    }
}
