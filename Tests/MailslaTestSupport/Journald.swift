import Foundation
import MailslaJournal
#if canImport(Glibc)
import Glibc
#endif

/// A real systemd-journald of its own namespace, started by a test and stopped by it
/// (PLATFORM.md §3). A namespace (`systemd-journald NAME`) keeps the test away from any
/// other journald on the machine: its sockets are in /run/systemd/journal.NAME/ and its
/// files in /var/log/journal/<machine-id>.NAME/, both removed by `stop()`.
///
/// Entries go in through the native protocol (`FIELD=value` lines in one datagram on the
/// namespace's socket, what sd_journal_sendv sends) or through `logger -u …/dev-log`;
/// `systemd-cat` and sd_journal_sendv cannot address a namespace.
public final class Journald {
    static let binary = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public let namespace: String
    let process: Process
    let runDirectory: String
    let storeDirectory: String
    /// A connection to the namespace's stdout socket, held open: a namespace journald exits after 30 s
    /// without a stdout stream or varlink client, and a test descheduled that long (a busy 2-core machine
    /// running the whole suite) then found its socket refusing entries.
    private var keepAlive: Int32 = -1

    public init() throws {
        guard let binary = Self.binary else {
            throw JournaldError("systemd-journald not found: apt-get install -y systemd")
        }
        namespace = "mailsla\(UInt32.random(in: 0..<UInt32.max))"
        runDirectory = "/run/systemd/journal.\(namespace)"
        let machineID = try String(contentsOfFile: "/etc/machine-id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        storeDirectory = "/var/log/journal/\(machineID).\(namespace)"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [namespace]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when its socket is bound and its journal file exists (readers watch that directory).
        let deadline = Date().addingTimeInterval(10)
        while !(FileManager.default.fileExists(atPath: runDirectory + "/socket")
                && FileManager.default.fileExists(atPath: storeDirectory + "/system.journal")) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw JournaldError("systemd-journald \(namespace) did not come up")
            }
            usleep(20_000)
        }
        keepAlive = Self.connectStream(runDirectory + "/stdout")
    }

    private static func connectStream(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8.prefix($0.count - 1))) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 { close(fd); return -1 }
        return fd
    }

    public var location: JournalReader.Location { .namespace(namespace) }

    /// Sends one entry through the native protocol.
    public func send(_ fields: [(String, String)]) throws {
        let datagram = Array(fields.map { "\($0.0)=\($0.1)\n" }.joined().utf8)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw JournaldError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array((runDirectory + "/socket").utf8CString)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.map { UInt8(bitPattern: $0) }) }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, datagram, datagram.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard sent == datagram.count else {
            throw JournaldError("sendto \(namespace): \(String(cString: strerror(errno)))")
        }
    }

    /// Sends `messages` with the given identifier, in order.
    public func send(_ messages: [String], identifier: String) throws {
        for message in messages {
            try send([("MESSAGE", message), ("SYSLOG_IDENTIFIER", identifier), ("PRIORITY", "6")])
        }
    }

    /// Logs a line the way syslog(3) clients do, through the namespace's /dev/log socket.
    public func logger(_ message: String, tag: String) throws {
        try run("/usr/bin/logger", ["-u", runDirectory + "/dev-log", "-t", tag, message])
    }

    /// `journalctl --rotate` for this namespace: the active file is archived, a new one started.
    public func rotate() throws { try run("/bin/journalctl", ["--namespace=\(namespace)", "--rotate"]) }

    /// `journalctl --vacuum-files=N`: archived files beyond the newest N are deleted.
    public func vacuum(keepingFiles count: Int) throws {
        try run("/bin/journalctl", ["--namespace=\(namespace)", "--vacuum-files=\(count)"])
    }

    public func journalFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: storeDirectory)) ?? []).sorted()
    }

    /// Stops the daemon (SIGTERM, then waits) and removes its sockets and files.
    public func stop() {
        if keepAlive >= 0 { close(keepAlive); keepAlive = -1 }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: runDirectory)
        try? FileManager.default.removeItem(atPath: storeDirectory)
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: tool)
        child.arguments = arguments
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw JournaldError("\(tool) \(arguments.joined(separator: " ")) exited \(child.terminationStatus)")
        }
    }
}

/// Why the test's journald could not be started or fed.
public struct JournaldError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
