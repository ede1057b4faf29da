import Foundation
import Logging
import MailslaInput
import MailslaSLA
import MailslaStore
#if canImport(Glibc)
import Glibc
#endif

/// Probe result files that are appended to (`sources.probes`): followed by
/// `FileFollower` like the logs (rotation, truncation, restart), each chunk of
/// whole lines read by `ProbeReader` (the reader of `replay --probes` and
/// POST /probes), the results put into the engine's `ProbeBook` and the
/// positions into the same checkpoint as those results. After `kill -9` the
/// lines after the last checkpoint are read again and none before it: no
/// result lost, none read twice.
///
/// A CSV file names its columns in its first line only, so each file's header
/// is kept (read from the file itself when reading resumes inside it) and put
/// before every later chunk. Files are read whole, at the first start too:
/// their results are the history the SLA figures need.
final class ProbeFileSource {
    let follower: FileFollower
    private let logger: Logger
    private let maxLineLength: Int
    /// Per file: its CSV header line, or empty for JSON lines.
    private var heads: [FileIdentity: [UInt8]] = [:]

    init(paths: [String], resume: [StoredFilePosition], maxLineLength: Int, logger: Logger) {
        self.logger = logger
        self.maxLineLength = maxLineLength
        follower = FileFollower(patterns: paths, resume: resume.map(\.followPosition), newFilesStart: .beginning,
                                maxLineLength: maxLineLength)
    }

    var pollDescriptor: Int32? { follower.pollDescriptor }

    /// The counters `read` adds to, stored with the other totals.
    static let counterNames = ["probe_file_lines", "probe_file_results", "probe_file_malformed", "probe_file_duplicates"]

    /// Reads the new lines of every file into `book`, adding what it read to `totals`
    /// (`counterNames`: data lines, new results, malformed and duplicate lines).
    /// Returns true when it stopped with more to read.
    func read(into book: inout ProbeBook, totals: inout [String: Int]) throws -> Bool {
        try follower.poll(maxBytes: 4 << 20) { chunk in
            let start = chunk.end.offset - Int64(chunk.bytes.count)
            let head = head(of: chunk, start: start)
            let prepend = start > 0 && !head.isEmpty
            var reader = ProbeReader()
            reader.read(prepend ? head + [0x0A] + Array(chunk.bytes) : Array(chunk.bytes), source: chunk.path)
            let data = reader.finish()
            let results = data.series.keys.sorted().flatMap { service in
                data.series[service]!.tests.map { StoredProbeResult(service: service, test: $0, source: chunk.path) }
            }
            let accepted = book.accept(results)
            totals["probe_file_lines", default: 0] += data.counts.lines - data.counts.headers
            totals["probe_file_results", default: 0] += accepted
            totals["probe_file_malformed", default: 0] += data.counts.malformedTotal
            totals["probe_file_duplicates", default: 0] += data.counts.duplicates + results.count - accepted
            for notice in data.notices {
                let line = notice.line - (prepend ? 1 : 0)
                logger.warning("probe result line skipped or reordered", metadata: [
                    "notice": "\(ProbeNotice(source: "\(chunk.path) (lines from byte \(start))", line: line, kind: notice.kind))",
                ])
            }
        }
    }

    func save(into checkpoint: inout Checkpoint) {
        checkpoint.probeFiles = follower.positions.map(StoredFilePosition.init)
    }

    /// The header of the chunk's file: its first line when that is not JSON, else empty.
    private func head(of chunk: FollowedChunk, start: Int64) -> [UInt8] {
        if let known = heads[chunk.identity] { return known }
        let first: [UInt8]?
        if start == 0 {
            first = Array(chunk.bytes.prefix { $0 != 0x0A })
        } else {
            first = Self.firstLine(of: chunk.end.path, identity: chunk.identity, limit: maxLineLength)
            if first == nil {
                logger.warning("cannot read the first line of a probe file resumed inside it; CSV lines without their header are skipped",
                               metadata: ["path": "\(chunk.end.path)"])
            }
        }
        let isJSON = first?.first { $0 != 0x20 && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF } == UInt8(ascii: "{")
        let head = isJSON ? [] : first ?? []
        heads[chunk.identity] = head
        return head
    }

    /// The first line of the file at `path` when it is still the file `identity` names.
    static func firstLine(of path: String, identity: FileIdentity, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode else { return nil }
        var buffer = [UInt8](repeating: 0, count: min(limit, 1 << 16))
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Array(buffer[0..<n].prefix { $0 != 0x0A })
    }
}
