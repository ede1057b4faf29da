import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mailsla tail` following a real systemd-journald (its own namespace, PLATFORM.md §3),
/// killed and restarted in the middle: it resumes by cursor, each entry counted once.
@Suite(.serialized) struct TailJournaldTests {
    @Test func aRestartResumesByCursorWithoutLossOrDuplicates() throws {
        let journald = try NamespaceJournald()
        defer { journald.stop() }
        let h = try TailHarness(checkpointInterval: "0.2", journalNamespace: journald.namespace)
        var sent = 0
        func send(_ n: Int) throws {
            for i in 0..<n {
                let ip = "192.0.2.\((sent + i) % 250 + 1)"
                try journald.send(["MESSAGE": (sent + i) % 2 == 0 ? "connect from unknown[\(ip)]" : "disconnect from unknown[\(ip)] ehlo=1 quit=1 commands=2",
                                   "SYSLOG_IDENTIFIER": "postfix/smtpd", "PRIORITY": "6"])
            }
            sent += n
        }
        try send(300)
        try h.start()
        try h.waitForLines(300, timeout: 20)
        try send(300)
        try h.kill9()                          // somewhere in reading or checkpointing the second 300
        try send(200)                          // while down
        try h.start()
        try h.waitForLines(800, timeout: 20)
        #expect(try h.stop() == 0, "\(h.stderr())")
        try send(100)                          // while down after a graceful stop
        try h.start()
        try h.waitForLines(900, timeout: 20)
        #expect(try h.stop() == 0)
        let c = try h.counters()
        #expect(c["journal_entries"] == 900)
        #expect(c["rule:postfix.smtpd.connect"] == 450)
        #expect(c["rule:postfix.smtpd.disconnect"] == 450)
        #expect(h.stderr().contains("journal_cursors=1"))
    }
}

/// A systemd-journald of its own namespace: sockets in /run/systemd/journal.NAME/, files in
/// /var/log/journal/<machine-id>.NAME/, both removed by `stop()`.
final class NamespaceJournald {
    let namespace = "mailslatail\(UInt32.random(in: 0..<UInt32.max))"
    let process = Process()
    let runDirectory: String
    let storeDirectory: String

    init() throws {
        guard let binary = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError("systemd-journald not found: apt-get install -y systemd")
        }
        runDirectory = "/run/systemd/journal.\(namespace)"
        let machineID = try String(contentsOfFile: "/etc/machine-id", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        storeDirectory = "/var/log/journal/\(machineID).\(namespace)"
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [namespace]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !(FileManager.default.fileExists(atPath: runDirectory + "/socket")
                && FileManager.default.fileExists(atPath: storeDirectory + "/system.journal")) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw HarnessError("systemd-journald \(namespace) did not come up")
            }
            usleep(20_000)
        }
    }

    /// One entry through the native protocol (what sd_journal_sendv sends).
    func send(_ fields: [String: String]) throws {
        let datagram = Array(fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined().utf8)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
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
        guard sent == datagram.count else { throw HarnessError("sendto \(namespace): errno \(errno)") }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: runDirectory)
        try? FileManager.default.removeItem(atPath: storeDirectory)
    }
}
