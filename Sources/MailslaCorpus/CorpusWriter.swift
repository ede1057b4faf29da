#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a corpus goes.
public enum CorpusDestination: Sendable, Equatable {
    /// One file (created or truncated).
    case file(String)
    /// Standard output (for a pipe into `systemd-journal-remote`).
    case standardOutput
    /// A logrotate-style set of `count` files split by time: `PATH` (newest),
    /// `PATH.1`, `PATH.2.gz` … `PATH.<count-1>.gz` (oldest), compressed with the system `gzip -n`.
    case rotated(String, count: Int)
}

/// Runs a `MailSimulator` and writes its lines, counting what it writes into
/// the truth. Output is buffered in 1 MiB blocks; each file's modification
/// time is set to its last line, as a real log's would be, so replay infers
/// the year of RFC 3164 lines correctly.
public struct CorpusWriter {
    public let options: CorpusOptions

    public init(options: CorpusOptions) { self.options = options }

    /// Writes the corpus; returns its truth. Throws `CorpusError` when a file
    /// cannot be written or gzip fails, and for options that do not validate.
    public func write(to destination: CorpusDestination) throws(CorpusError) -> CorpusTruth {
        var plan: [PlannedFile]
        switch destination {
        case .file(let path):
            plan = [PlannedFile(path: path, compressed: false)]
        case .standardOutput:
            plan = [PlannedFile(path: "-", compressed: false)]
        case .rotated(let path, let count):
            guard count >= 1 else { throw .invalidOptions("--rotate must be at least 1.") }
            plan = (0..<count).map { k in
                let rank = count - 1 - k
                return PlannedFile(path: rank == 0 ? path : "\(path).\(rank)", compressed: rank >= 2)
            }
        }
        var sink = FileSink(plan: plan, start: options.start, end: options.end)
        let truth = try run(into: &sink)
        try sink.finish()
        return truth
    }

    /// The corpus in memory, with its truth (for tests and small fixtures).
    public static func generate(_ options: CorpusOptions) throws(CorpusError) -> (bytes: [UInt8], truth: CorpusTruth) {
        var sink = MemorySink()
        let truth = try CorpusWriter(options: options).run(into: &sink)
        return (sink.bytes, truth)
    }

    private func run<Sink: CorpusSink>(into sink: inout Sink) throws(CorpusError) -> CorpusTruth {
        var simulator = try MailSimulator(options: options)
        var formatter = CorpusLineFormatter(format: options.format, seed: options.seed, start: options.start)
        var out = ByteWriter(capacity: FileSink.block + 64 * 1024)
        var byProgram = [Int](repeating: 0, count: MailSimulator.programTags.count)
        var byHost = [Int](repeating: 0, count: MailSimulator.hostNames.count)
        var first = Int64.max
        var last = Int64.min
        var nextSwitch = try sink.nextBoundary(&out)
        while let line = simulator.next() {
            while line.time >= nextSwitch { nextSwitch = try sink.nextBoundary(&out) }
            formatter.write(line, from: simulator, into: &out)
            byProgram[line.program] += 1
            byHost[line.host] += 1
            if line.time < first { first = line.time }
            if line.time > last { last = line.time }
            sink.countLine(line.time)
            if out.count >= FileSink.block { try sink.drain(&out) }
        }
        // Files of a rotated set that no line fell into still exist, empty.
        while nextSwitch != .max { nextSwitch = try sink.nextBoundary(&out) }
        try sink.drain(&out)
        try sink.closeCurrent()

        let files = sink.files.map { file in
            CorpusTruth.File(path: file.path + (file.compressed ? ".gz" : ""), lines: file.lines, bytes: file.bytes,
                             compressed: file.compressed,
                             firstTime: file.lines > 0 ? TimeText.rfc3339(micros: formatter.loggedTime(file.first)) : nil,
                             lastTime: file.lines > 0 ? TimeText.rfc3339(micros: formatter.loggedTime(file.last)) : nil)
        }
        return TruthBuilder(simulator: simulator, formatter: formatter).build(
            byProgram: byProgram, byHost: byHost, first: first, last: last, files: files)
    }
}

// MARK: sinks

/// One file of the output as planned and as written.
struct PlannedFile {
    var path: String
    var compressed: Bool
    var lines = 0
    var bytes = 0
    var first = Int64.max
    var last = Int64.min

    init(path: String, compressed: Bool) {
        self.path = path
        self.compressed = compressed
    }
}

protocol CorpusSink {
    var files: [PlannedFile] { get }
    /// Closes the current file (if any), opens the next; returns the time the one after starts.
    mutating func nextBoundary(_ out: inout ByteWriter) throws(CorpusError) -> Int64
    mutating func countLine(_ time: Int64)
    mutating func drain(_ out: inout ByteWriter) throws(CorpusError)
    mutating func closeCurrent() throws(CorpusError)
}

/// Keeps everything in the buffer.
struct MemorySink: CorpusSink {
    var files = [PlannedFile(path: "(memory)", compressed: false)]
    var bytes: [UInt8] = []
    private var opened = false

    mutating func nextBoundary(_ out: inout ByteWriter) throws(CorpusError) -> Int64 {
        precondition(!opened)
        opened = true
        return .max
    }

    mutating func countLine(_ time: Int64) {
        files[0].lines += 1
        if time < files[0].first { files[0].first = time }
        if time > files[0].last { files[0].last = time }
    }

    mutating func drain(_ buffer: inout ByteWriter) throws(CorpusError) {
        files[0].bytes += buffer.count
        buffer.withBytes { bytes.append(contentsOf: $0) }
        buffer.removeAll()
    }

    mutating func closeCurrent() throws(CorpusError) {}
}

/// Writes to files (or standard output), splitting a rotated set by time and
/// compressing the older files with `gzip -n` in the background.
struct FileSink: CorpusSink {
    static let block = 1 << 20
    var files: [PlannedFile]
    private let start: Int64
    private let span: Int64
    private var current = -1
    private var fd: Int32 = -1
    private var gzipJobs: [(pid: pid_t, path: String)] = []

    init(plan: [PlannedFile], start: Int64, end: Int64) {
        files = plan
        self.start = start
        span = end - start
    }

    mutating func nextBoundary(_ out: inout ByteWriter) throws(CorpusError) -> Int64 {
        try drain(&out)
        try closeCurrent()
        current += 1
        guard current < files.count else { return .max }
        let path = files[current].path
        if path == "-" {
            fd = 1
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .write(path: path, reason: String(cString: strerror(errno))) }
        }
        if current == files.count - 1 { return .max }
        return start + span / Int64(files.count) * Int64(current + 1)
    }

    @inline(__always)
    mutating func countLine(_ time: Int64) {
        files[current].lines += 1
        if time < files[current].first { files[current].first = time }
        if time > files[current].last { files[current].last = time }
    }

    mutating func drain(_ out: inout ByteWriter) throws(CorpusError) {
        guard out.count > 0, current >= 0, current < files.count else { return }
        files[current].bytes += out.count
        try out.flush(to: fd, path: files[current].path)
    }

    mutating func closeCurrent() throws(CorpusError) {
        guard current >= 0, current < files.count, fd >= 0 else { return }
        let file = files[current]
        if fd != 1 {
            guard close(fd) == 0 else { throw .write(path: file.path, reason: String(cString: strerror(errno))) }
            if file.lines > 0 { Self.setModificationTime(file.path, micros: file.last) }
            if file.compressed { try startGzip(file.path) }
        }
        fd = -1
    }

    /// Waits for the background gzip jobs. Throws `CorpusError.gzip` for the first that failed.
    mutating func finish() throws(CorpusError) {
        var failure: CorpusError?
        for job in gzipJobs {
            var status: Int32 = 0
            while waitpid(job.pid, &status, 0) < 0 && errno == EINTR {}
            let exited = status & 0x7F == 0
            let code = (status >> 8) & 0xFF
            if !(exited && code == 0), failure == nil {
                failure = .gzip(path: job.path, reason: exited ? "exit status \(code)" : "killed by signal \(status & 0x7F)")
            }
        }
        gzipJobs.removeAll()
        if let failure { throw failure }
    }

    /// The file's mtime (and atime) becomes the second after its last line.
    static func setModificationTime(_ path: String, micros: Int64) {
        let seconds = micros / 1_000_000 + 1
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }

    private mutating func startGzip(_ path: String) throws(CorpusError) {
        // -n: no name or time stamp in the header, so the .gz is a pure function of the seed.
        let args = ["gzip", "-n", "-f", path]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, "gzip", nil, nil, &argv, environ)
        guard status == 0 else { throw .gzip(path: path, reason: String(cString: strerror(status))) }
        gzipJobs.append((pid, path))
    }
}
