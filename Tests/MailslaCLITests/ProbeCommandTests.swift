import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `mailsla probe` as a user runs it: the JSON lines it writes, the lines on standard error, the exit status.
/// (Passing probes against real servers: MailslaProbeTests and scripts/e2e.)
@Suite struct ProbeCommandTests {
    /// A loopback port nothing listens on: bound, read back, closed.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length) }
        }
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        close(fd)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func config(_ text: String) throws -> URL {
        let dir = BinaryRunner.temporaryDirectory()
        let url = dir.appendingPathComponent("mailsla.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aFailedProbeIsWrittenClassifiedAndExitsOne() throws {
        let port = Self.closedPort()
        let file = try config("probes:\n  - { service: pop3, host: 127.0.0.1, port: \(port) }\n"
            + "  - { service: imap, host: 127.0.0.1, port: \(port) }\n")
        let r = try BinaryRunner.run(["probe", "--config", file.path, "--service", "pop3"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(object?["service"] as? String == "pop3")
        #expect(object?["ok"] as? Bool == false)
        #expect(object?["error"] as? String == "refused: connection refused by 127.0.0.1 port \(port)")
        #expect(r.stderr.contains("pop3: FAILED after"))
    }

    @Test func unknownServicesAndMissingTargetsAreRefusedWithWhatToDo() throws {
        let file = try config("probes:\n  - { service: pop3, host: 127.0.0.1 }\n")
        let unknown = try BinaryRunner.run(["probe", "--config", file.path, "--service", "webmail"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no probe for webmail"))
        let empty = try config("timezone: UTC\n")
        let none = try BinaryRunner.run(["probe", "--config", empty.path])
        #expect(none.status == 64)
        #expect(none.stderr.contains("has no probes: targets"))
        let badConfig = try config("probes:\n  - { service: pop3, host: h, password: x }\n")
        let refused = try BinaryRunner.run(["probe", "--config", badConfig.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("unknown key 'password'"))
    }

    @Test func runForKeepsTheIntervalGrid() throws {
        let port = Self.closedPort()
        let file = try config("probes:\n  - { service: smtp-in, host: 127.0.0.1, port: \(port), interval: 1s }\n")
        let out = file.deletingLastPathComponent().appendingPathComponent("probes.jsonl")
        let r = try BinaryRunner.run(["probe", "--config", file.path, "--run-for", "3s", "--output", out.path])
        #expect(r.status == 0)
        let times = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["ts"] as? String
        }
        #expect((2...4).contains(times.count), "\(times)")
        #expect(times.allSatisfy { $0.hasSuffix("Z") && !$0.contains(".") }, "whole seconds on the grid: \(times)")
        #expect(Set(times).count == times.count)
    }
}

extension ProbeCommandTests {
    @Test func mailflowConfirmedFromTheLogsIsLeftToTail() throws {
        let port = Self.closedPort()
        let file = try config("""
            probes:
              - { service: pop3, host: 127.0.0.1, port: \(port) }
              - { service: mailflow, host: 127.0.0.1, port: \(port), from: a@x.test, to: b@x.test, confirm: logs }
            """)
        let all = try BinaryRunner.run(["probe", "--config", file.path])
        #expect(all.stderr.contains("note: left out mailflow confirms delivery from the logs"))
        #expect(all.stdout.split(separator: "\n").count == 1)
        let named = try BinaryRunner.run(["probe", "--config", file.path, "--service", "mailflow"])
        #expect(named.status == 64)
        #expect(named.stdout.isEmpty)
    }
}
