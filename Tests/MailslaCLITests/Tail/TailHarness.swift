import Foundation
import Mailsla
import MailslaCore
import MailslaRules
import MailslaSLA
import MailslaStore
import Testing

/// Drives the real `mailsla tail` binary over real files: writes lines from a
/// generated pool, starts, stops (SIGTERM) and kills (-9) the process, rotates
/// the files, and waits on the state database's counters with a deadline.
/// `expected()` runs the same lines, in the order written, through an
/// in-process pipeline: what the store must hold, exactly once.
/// `@unchecked Sendable`: one test drives it at a time, and its waits run on a thread of their own (`offPool`)
/// that the test awaits, so no two threads touch it at once.
final class TailHarness: @unchecked Sendable {
    let dir: URL
    let logs: URL
    let store: String
    let config: String
    private(set) var process: Process?
    /// Every line written, in write order.
    private(set) var written: [UInt8] = []
    private(set) var linesWritten = 0
    private var next = 0
    private var runs = 0
    private(set) var kills = 0
    let notify: NotifySocket

    /// The lines the harness writes: 60,000 RFC 3339 lines of four hosts (the year is in every line).
    static let pool: [ArraySlice<UInt8>] = {
        let dir = BinaryRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("pool.log").path
        let made = try! BinaryRunner.run(["generate", "--lines", "60000", "--format", "rfc3339", "--seed", "7", "--output", path])
        precondition(made.status == 0, made.stderr)
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        try? FileManager.default.removeItem(at: dir)
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
    }()

    init(checkpointInterval: String = "0.2", journalNamespace: String? = nil, probeFiles: [String] = [], extraConfig: String = "") throws {
        dir = BinaryRunner.temporaryDirectory()
        logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        store = dir.appendingPathComponent("state.db").path
        notify = try NotifySocket(path: dir.appendingPathComponent("notify.sock").path)
        config = dir.appendingPathComponent("mailsla.yaml").path
        let text = """
            store: \(store)
            listen: { address: 127.0.0.1, port: 0 }
            rules: \(BinaryRunner.packageRoot.appendingPathComponent("rules").path)
            sources:
              files: [\(logs.appendingPathComponent("mail.log").path)]
            \(probeFiles.isEmpty ? "" : "  probes: [\(probeFiles.map { logs.appendingPathComponent($0).path }.joined(separator: ", "))]")
            \(journalNamespace == nil ? "" : "  journal_matches: [SYSLOG_IDENTIFIER=postfix/smtpd]")
            tail:
              checkpoint_interval: \(checkpointInterval)
              start: beginning
            \(journalNamespace.map { "  journal: {namespace: \($0)}" } ?? "")
            \(extraConfig)
            """
        try text.write(toFile: config, atomically: true, encoding: .utf8)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func setCheckpointInterval(_ text: String) throws {
        let current = try String(contentsOfFile: config, encoding: .utf8)
        let changed = current.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("checkpoint_interval:") ? "  checkpoint_interval: \(text)" : String(line)
        }.joined(separator: "\n")
        try changed.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func path(_ name: String) -> String { logs.appendingPathComponent(name).path }

    // MARK: files

    /// Appends the next `count` lines of the pool to `name`.
    func append(_ count: Int, to name: String = "mail.log") throws {
        precondition(next + count <= Self.pool.count, "the pool has \(Self.pool.count) lines")
        var chunk: [UInt8] = []
        for line in Self.pool[next..<next + count] {
            chunk += line
            chunk.append(0x0A)
        }
        next += count
        linesWritten += count
        written += chunk
        try write(chunk, to: name)
    }

    /// Appends hand-written lines (each without its newline) to `name`; they count as written like the pool's.
    func append(lines: [String], to name: String = "mail.log") throws {
        let chunk = Array(lines.map { $0 + "\n" }.joined().utf8)
        linesWritten += lines.count
        written += chunk
        try write(chunk, to: name)
    }

    private func write(_ chunk: [UInt8], to name: String) throws {
        let p = path(name)
        if !FileManager.default.fileExists(atPath: p) { _ = FileManager.default.createFile(atPath: p, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
        try handle.seekToEnd()
        try handle.write(contentsOf: chunk)
        try handle.close()
    }

    /// Rotation by rename, as logrotate does by default: .1 → .2, the live file → .1, a new empty live file.
    func rotate() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: path("mail.log.2"))
        if fm.fileExists(atPath: path("mail.log.1")) { try fm.moveItem(atPath: path("mail.log.1"), toPath: path("mail.log.2")) }
        if fm.fileExists(atPath: path("mail.log")) { try fm.moveItem(atPath: path("mail.log"), toPath: path("mail.log.1")) }
        _ = fm.createFile(atPath: path("mail.log"), contents: nil)
    }

    /// logrotate's `copytruncate`: the live file is copied to .1 and cut to zero in place.
    func copytruncate() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: path("mail.log.1"))
        if fm.fileExists(atPath: path("mail.log")) {
            try fm.copyItem(atPath: path("mail.log"), toPath: path("mail.log.1"))
            truncate(path("mail.log"), 0)
        }
    }

    // MARK: the process

    var isRunning: Bool { process?.isRunning ?? false }

    /// Starts `mailsla tail` as systemd would (NOTIFY_SOCKET, WATCHDOG_USEC) and, unless told
    /// otherwise, waits for its READY=1: a signal in the first milliseconds, before any of its code
    /// runs, ends any process.
    func start(_ extra: [String] = [], waitForReady: Bool = true) async throws {
        try await offPool { [self] in
            precondition(!isRunning)
            runs += 1
            notify.drain()
            let p = Process()
            p.executableURL = BinaryRunner.binary
            p.arguments = ["tail", "--config", config] + extra
            p.currentDirectoryURL = dir
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = notify.path
            environment["WATCHDOG_USEC"] = "400000"
            p.environment = environment
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            let log = dir.appendingPathComponent("tail-\(runs).err")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: log)
            try p.run()
            process = p
            if waitForReady { try waitForMessageNow("READY=1") }
        }
    }

    /// Waits for a message on the notification socket.
    func waitForMessage(_ text: String, timeout: Double = 20) async throws {
        try await offPool { [self] in try waitForMessageNow(text, timeout: timeout) }
    }

    private func waitForMessageNow(_ text: String, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !notify.received.contains(where: { $0.contains(text) }) {
            if Date() > deadline { throw HarnessError("no \(text) from mailsla tail within \(timeout) s\n\(stderr())") }
            notify.receive(timeoutMs: 20)
        }
    }

    /// Reads what the notification socket holds, as systemd would. Call it while waiting: the kernel queues
    /// only `net.unix.max_dgram_qlen` (often 10) datagrams, after which the engine's next WATCHDOG=1 blocks it.
    func keepNotifying() { notify.receive(timeoutMs: 0) }

    /// The sd_notify messages received since the last start.
    var notifications: [String] { notify.received }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop(timeout: Double = 20) async throws -> Int32 {
        try await offPool { [self] in
            guard let process, process.isRunning else { return -1 }
            kill(process.processIdentifier, SIGTERM)
            try waitForExit(process, timeout: timeout)
            // Killed by the signal itself (not handled): reported as 128 + 15, as a shell does.
            return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        }
    }

    func kill9() async throws {
        try await offPool { [self] in
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            try waitForExit(process, timeout: 10)
            kills += 1
        }
    }

    private func waitForExit(_ process: Process, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { throw HarnessError("mailsla tail did not exit within \(timeout) s\n\(stderr())") }
            keepNotifying()
            usleep(10_000)
        }
    }

    /// Everything the runs wrote to standard error.
    func stderr() -> String {
        (1...max(1, runs)).compactMap { try? String(contentsOf: dir.appendingPathComponent("tail-\($0).err"), encoding: .utf8) }
            .joined(separator: "--- next run\n")
    }

    // MARK: the store

    func counters() throws -> [String: Int] {
        guard FileManager.default.fileExists(atPath: store) else { return [:] }
        return try StateStore(readingFrom: store).counters()
    }

    /// Waits until the store counts `lines` lines; fails at once when it counts more (a line counted twice).
    func waitForLines(_ lines: Int, timeout: Double = 30) async throws {
        try await offPool { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let seen = (try? counters()["lines"]) ?? nil ?? 0
                if seen == lines { return }
                if seen > lines { throw HarnessError("the store counts \(seen) lines, \(lines) were written\n\(stderr())") }
                if let process, !process.isRunning, process.terminationReason == .exit, process.terminationStatus != 0 {
                    throw HarnessError("mailsla tail exited with \(process.terminationStatus)\n\(stderr())")
                }
                if Date() > deadline { throw HarnessError("after \(timeout) s the store counts \(seen) of \(lines) lines\n\(stderr())") }
                notify.receive(timeoutMs: 20)
            }
        }
    }

    /// Waits until the last checkpoint holds a position in the live file `name` (its inode): the
    /// follower has opened the file a rotation made, before the next rotation moves it away.
    func waitForPosition(in name: String = "mail.log", timeout: Double = 20) async throws {
        try await offPool { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                var info = stat()
                if stat(path(name), &info) == 0,
                   let files = try? StateStore(readingFrom: store).load()?.files,
                   files.contains(where: { $0.inode == UInt64(info.st_ino) }) { return }
                if Date() > deadline { throw HarnessError("no stored position in \(name) after \(timeout) s\n\(stderr())") }
                notify.receive(timeoutMs: 20)
            }
        }
    }

    /// Waits until the running process has written a checkpoint after it started reading (the store's
    /// sequence grew by two: one may have been in flight when asked).
    func waitForCheckpoints(_ count: Int64 = 2, timeout: Double = 20) async throws {
        try await offPool { [self] in
            let start = (try? StateStore(readingFrom: store).lastCheckpoint()?.sequence) ?? nil ?? 0
            let deadline = Date().addingTimeInterval(timeout)
            while ((try? StateStore(readingFrom: store).lastCheckpoint()?.sequence) ?? nil ?? 0) < start + count {
                if Date() > deadline { throw HarnessError("no checkpoint within \(timeout) s\n\(stderr())") }
                notify.receive(timeoutMs: 20)
            }
        }
    }

    // MARK: what it must hold

    struct Expected {
        var lines = 0, parsed = 0, classified = 0, unmatched = 0, received = 0, rejected = 0
        var hits: [String: Int] = [:]
        /// The flow per minute once every message is written out (`finish`).
        var minutes: [FlowMinutes.Key: FlowMinutes.Counts] = [:]
    }

    final class Tally: @unchecked Sendable {
        var minutes = FlowMinutes()
    }

    static func rules() throws -> RuleSet {
        try RuleSet(directory: BinaryRunner.packageRoot.appendingPathComponent("rules").path)
    }

    /// The written lines, in write order, through one pipeline with the same rules and settings.
    func expected() throws -> Expected {
        let rules = try Self.rules()
        let symbols = SymbolTable()
        let tally = Tally()
        let pipeline = Pipeline(symbols: symbols, rules: rules, messageSink: { for r in $0 { tally.minutes.count(r) } })
        var framer = LineFramer()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var batch = RecordBatch()
        var malformed = MalformedCounts()
        try written.withUnsafeBytes { raw in
            for lines in framer.append(raw) {
                parser.parse(lines, into: &batch, malformed: &malformed)
                try pipeline.process(batch)
            }
        }
        let rest = framer.takeLines(atEnd: true)
        if !rest.lines.isEmpty {
            parser.parse(rest, into: &batch, malformed: &malformed)
            try pipeline.process(batch)
        }
        pipeline.addFraming(framer.counters, malformed: malformed)
        var e = Expected()
        e.lines = pipeline.counters.lines
        e.parsed = pipeline.counters.parsed
        let counters = pipeline.classifier!.counters
        e.classified = counters.classified
        e.unmatched = counters.unmatched
        for (index, rule) in rules.rules.enumerated() where counters.hits[index] > 0 { e.hits[rule.id] = counters.hits[index] }
        _ = try pipeline.finish()
        e.received = pipeline.correlator!.health.received
        e.rejected = pipeline.correlator!.health.rejected
        e.minutes = tally.minutes.counts
        return e
    }

    /// Compares the store with `expected()`: lines, classification by rule, the flow.
    func expectExactlyOnce(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let e = try expected()
        let c = try counters()
        #expect(e.lines == linesWritten, sourceLocation: sourceLocation)
        #expect(c["lines"] == e.lines, "lines", sourceLocation: sourceLocation)
        #expect(c["parsed"] == e.parsed, "parsed", sourceLocation: sourceLocation)
        #expect(c["classified"] == e.classified, "classified", sourceLocation: sourceLocation)
        #expect(c["unmatched"] ?? 0 == e.unmatched, "unmatched", sourceLocation: sourceLocation)
        let hits = c.filter { $0.key.hasPrefix("rule:") }.reduce(into: [String: Int]()) { $0[String($1.key.dropFirst(5))] = $1.value }
        #expect(hits == e.hits, "hits by rule", sourceLocation: sourceLocation)
        // Messages still open in the stored correlator are written out by finishing a pipeline restored from the
        // last checkpoint: with the stored minutes, that is the whole flow of the lines, each message once.
        let reader = try StateStore(readingFrom: store)
        let state = try #require(try reader.load(), sourceLocation: sourceLocation)
        let tally = Tally()
        let restored = Pipeline(symbols: SymbolTable(), rules: try Self.rules(), messageSink: { for r in $0 { tally.minutes.count(r) } })
        try restored.restore(state.snapshot)
        #expect(restored.counters.lines == e.lines, "lines in the snapshot", sourceLocation: sourceLocation)
        #expect(c["flow_received"] ?? 0 == restored.correlator!.health.received, "messages received", sourceLocation: sourceLocation)
        _ = try restored.finish()
        #expect(restored.correlator!.health.received == e.received, "messages received after finish", sourceLocation: sourceLocation)
        #expect(restored.correlator!.health.rejected == e.rejected, "messages rejected", sourceLocation: sourceLocation)
        #expect(c["flow_rejected"] ?? 0 == e.rejected, "messages rejected (stored)", sourceLocation: sourceLocation)
        var minutes = tally.minutes.counts
        for (key, counts) in try reader.flowMinutes(in: TimeSpan(start: 0, end: Int64.max / 2)) {
            minutes[key, default: FlowMinutes.Counts()] += counts
        }
        // Rejections are stored by the minute of their batch; the rest must agree minute by minute.
        for key in minutes.keys { minutes[key]!.rejected = 0 }
        var wanted = e.minutes
        for key in wanted.keys { wanted[key]!.rejected = 0 }
        #expect(minutes.filter { $0.value != FlowMinutes.Counts() } == wanted.filter { $0.value != FlowMinutes.Counts() },
                "the flow minute by minute", sourceLocation: sourceLocation)
        #expect(e.received > 0, "the lines make messages", sourceLocation: sourceLocation)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifySocket {
    let path: String
    let fd: Int32
    private(set) var received: [String] = []

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            precondition(bytes.count < raw.count, "socket path too long: \(path)")
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw HarnessError("cannot bind \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    func receive(timeoutMs: Int32) {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeoutMs) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n <= 0 { return }
            received.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }

    func drain() {
        receive(timeoutMs: 0)
        received = []
    }
}

/// Runs `body` on a thread of its own and awaits it. The tail tests wait on a child process with wall-clock
/// deadlines. On the cooperative pool (one thread per core, 2 here) a test that waits either blocks a thread
/// the in-process HTTP tests need, or, when it yields, is resumed minutes late behind CPU-bound tests and
/// misses its deadline (both seen on a fresh clone). On its own thread the deadline measures the child.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// Waits without holding a thread. Swift Testing runs tests on the cooperative pool, one thread per core:
/// two tests that slept with `usleep` while a `mailsla tail` worked left none for the async tests (the
/// HTTP servers' handlers), which then failed their deadlines on this 2-core machine.
func pause(milliseconds: Int) async throws {
    try await Task.sleep(for: .milliseconds(milliseconds))
}

func pause(microseconds: Int) async throws {
    try await Task.sleep(for: .microseconds(microseconds))
}
