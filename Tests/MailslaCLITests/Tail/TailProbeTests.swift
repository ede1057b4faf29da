import Foundation
import MailslaStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Probe results reaching the state of the real `mailsla tail`: from a probe
/// file that is appended to (`sources.probes`), exactly once across `kill -9`
/// and a rotation; and from its own probe service (`probes:`), including
/// targets added by SIGHUP.
@Suite(.serialized) struct TailProbeTests {
    /// `count` CSV rows of `service`, one a minute from `first` minutes before now; row `bad` (if any) is malformed.
    static func rows(_ service: String, from first: Int, count: Int, bad: Int? = nil) -> String {
        let now = Int(Date().timeIntervalSince1970) / 60 * 60
        return (0..<count).map { i in
            let ts = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now - (first - i) * 60)))
            return i == bad ? "\(ts),\(service),maybe,12,\n" : "\(ts),\(service),\(i % 3 != 0),12,\(i % 3 == 0 ? "refused: x" : "")\n"
        }.joined()
    }

    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Waits until the store's `probe_file_lines` reaches `lines`; fails at once past it (a line read twice).
    static func waitForProbeLines(_ h: TailHarness, _ lines: Int, timeout: Double = 30) async throws {
        try await offPool { try waitForProbeLinesNow(h, lines, timeout: timeout) }
    }

    static func waitForProbeLinesNow(_ h: TailHarness, _ lines: Int, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let seen = try h.counters()["probe_file_lines"] ?? 0
            if seen == lines { return }
            if seen > lines { throw HarnessError("the store counts \(seen) probe lines, \(lines) were written\n\(h.stderr())") }
            if Date() > deadline { throw HarnessError("after \(timeout) s the store counts \(seen) of \(lines) probe lines\n\(h.stderr())") }
            h.keepNotifying()
            usleep(20_000)
        }
    }

    @Test func appendedProbeFileIsStoredExactlyOnceAcrossKillAndRotation() async throws {
        let h = try TailHarness(checkpointInterval: "0.3", probeFiles: ["probes.csv"])
        let file = h.path("probes.csv")
        try Self.append("ts,service,ok,latency_ms,error\n" + Self.rows("pop3", from: 600, count: 40), to: file)
        try h.append(500)
        try await h.start()
        try await h.waitForLines(500)
        try await Self.waitForProbeLines(h, 40)
        // Appended while it runs; killed before or after the checkpoint that covers them: read again, or not, never twice.
        try Self.append(Self.rows("pop3", from: 560, count: 30), to: file)
        try await pause(milliseconds: 150)
        try await h.kill9()
        try Self.append(Self.rows("pop3", from: 530, count: 20, bad: 5), to: file)
        // The restart resumes inside the CSV file: the header comes from the file's first line.
        try await h.start()
        try await Self.waitForProbeLines(h, 90)
        // Rotated: the new file has its own header; the rest of the old one is finished first.
        try Self.append(Self.rows("pop3", from: 510, count: 10), to: file)
        try FileManager.default.moveItem(atPath: file, toPath: file + ".1")
        try Self.append("ts,service,ok,latency_ms,error\n" + Self.rows("pop3", from: 500, count: 25), to: file)
        try await Self.waitForProbeLines(h, 125)
        #expect(try await h.stop() == 0, "\(h.stderr())")

        let counters = try h.counters()
        #expect(counters["probe_file_lines"] == 125)
        #expect(counters["probe_file_malformed"] == 1)
        #expect(counters["probe_file_results"] == 124)
        #expect(counters["probe_file_duplicates"] ?? 0 == 0)
        let tests = try #require(try StateStore(readingFrom: h.store).probeData().series["pop3"]?.tests)
        #expect(tests.count == 124)
        #expect(Set(tests.map(\.time)).count == 124)
        #expect(tests.filter { !$0.ok }.allSatisfy { $0.error == "refused: x" })
        #expect(h.stderr().contains("malformed (bad_ok)"), "the skipped line is named")
        try h.expectExactlyOnce()
    }

    @Test func probeServiceStoresResultsAndTakesNewTargetsOnReload() async throws {
        let closed = try Self.closedPort()
        let h = try TailHarness(extraConfig: """
            probes:
              - { service: smtp-in, host: 127.0.0.1, port: \(closed), interval: 1s, timeout: 2s }
            """)
        try await h.start()
        let port = try await h.httpPort()
        let config = try String(contentsOfFile: h.config, encoding: .utf8)
        try (config + "\n  - { service: http, url: \"http://127.0.0.1:\(port)/healthz\", interval: 1s, timeout: 2s }\n")
            .write(toFile: h.config, atomically: true, encoding: .utf8)
        kill(h.process!.processIdentifier, SIGHUP)
        _ = try await offPool { () -> [String: [Bool]] in
            let deadline = Date().addingTimeInterval(30)
            var series: [String: [Bool]] = [:]
            while Date() < deadline {
                let data = try StateStore(readingFrom: h.store).probeData()
                series = data.series.mapValues { $0.tests.map(\.ok) }
                if series["http"]?.count ?? 0 >= 2, series["smtp-in"]?.count ?? 0 >= 3 { break }
                h.keepNotifying()
                usleep(200_000)
            }
            return series
        }
        #expect(try await h.stop() == 0, "\(h.stderr())")
        let data = try StateStore(readingFrom: h.store).probeData()
        let smtp = try #require(data.series["smtp-in"]?.tests, "\(h.stderr())")
        let http = try #require(data.series["http"]?.tests, "the reloaded target was never tested\n\(h.stderr())")
        #expect(smtp.count >= 3 && smtp.allSatisfy { !$0.ok && $0.error.hasPrefix("refused:") }, "\(smtp)")
        #expect(http.count >= 2 && http.allSatisfy(\.ok), "\(http)")
        // On the 1 s grid, one result per instant.
        #expect((smtp + http).allSatisfy { $0.time % 1_000_000 == 0 })
        #expect(Set(smtp.map(\.time)).count == smtp.count)
        #expect(h.stderr().contains("probe targets reloaded"))
    }

    /// A loopback port nothing listens on (bound once, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw HarnessError("cannot bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
