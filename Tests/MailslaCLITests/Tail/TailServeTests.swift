import Foundation
import MailslaStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP surface of the real `mailsla tail`: /metrics follows the engine,
/// probe results posted to /probes are in the state database after a
/// graceful stop (the server stops before the engine's last checkpoint).
@Suite(.serialized) struct TailServeTests {
    @Test func metricsFollowTheEngineAndPostedProbesReachTheStore() async throws {
        let h = try TailHarness()
        try h.append(2000)
        try await h.start()
        try await h.waitForLines(2000)
        let port = try await h.httpPort()
        let source = "mailsla_lines_read_total{source=\"\(h.path("mail.log"))\"} 2000"
        // The first publish may come before the first checkpoint: wait for both.
        let metrics = try await offPool { () -> String in
            let deadline = Date().addingTimeInterval(15)
            var metrics = ""
            while !(metrics.contains(source) && metrics.contains("mailsla_checkpoint_age_seconds")), Date() < deadline {
                metrics = try http(port, "GET", "/metrics").body
                usleep(100_000)
            }
            return metrics
        }
        #expect(metrics.contains(source), "\(metrics.prefix(2000))")
        #expect(metrics.contains("mailsla_checkpoint_age_seconds"))
        #expect(metrics.contains("mailsla_build_info{version=\"mailsla 0.1\"} 1"))  // printed 1.0
        #expect(try http(port, "GET", "/healthz").status == 200)
        #expect(try http(port, "GET", "/").body.contains("<html"))

        let now = Date()
        let lines = (0..<3).map { i in
            let ts = ISO8601DateFormatter().string(from: now.addingTimeInterval(Double(i - 3) * 300))
            return "{\"ts\": \"\(ts)\", \"service\": \"smtp-in\", \"ok\": \(i != 1), \"latency_ms\": 40, \"error\": \"\"}"
        }.joined(separator: "\n") + "\n"
        let posted = try http(port, "POST", "/probes", body: lines)
        #expect(posted.status == 200, "\(posted.body)")
        #expect(posted.body.contains("\"accepted\":3") || posted.body.contains("\"accepted\": 3"), "\(posted.body)")
        #expect(try await h.stop() == 0, "\(h.stderr())")
        let probes = try StateStore(readingFrom: h.store).probeData()
        #expect(probes.series["smtp-in"]?.tests.map(\.ok) == [true, false, true])
        try h.expectExactlyOnce()
    }

    /// `tail.checkpoint_max_rate` bounds the bytes checkpoints write: with 1 KiB/s, a state of several KiB
    /// is checkpointed every (size / 1 KiB) seconds, not every 0.2 s, and nothing is lost at the stop.
    @Test func aLargeStateStretchesTheCheckpointInterval() async throws {
        let h = try TailHarness()
        try h.setCheckpointInterval("0.2\n  checkpoint_max_rate: 1KiB")
        try h.append(2000)
        try await h.start()
        try await h.waitForLines(2000)
        let port = try await h.httpPort()
        @Sendable func value(_ name: String, in text: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        let metrics = try await offPool { () -> String in
            let deadline = Date().addingTimeInterval(15)
            var metrics = ""
            while value("mailsla_checkpoint_interval_seconds", in: metrics) == nil, Date() < deadline {
                metrics = try http(port, "GET", "/metrics").body
                usleep(100_000)
            }
            return metrics
        }
        let bytes = try #require(value("mailsla_checkpoint_snapshot_bytes", in: metrics))
        let interval = try #require(value("mailsla_checkpoint_interval_seconds", in: metrics))
        #expect(bytes > 4096)
        #expect(abs(interval - bytes / 1024) < 0.001, "interval \(interval) s for \(bytes) bytes at 1 KiB/s")
        #expect(try await h.stop() == 0, "\(h.stderr())")
        try h.expectExactlyOnce()
    }
}

extension TailHarness {
    /// The port the status server bound (the tests ask for port 0), from its log line.
    func httpPort(timeout: Double = 15) async throws -> Int {
        try await offPool { [self] in try httpPortNow(timeout: timeout) }
    }

    private func httpPortNow(timeout: Double) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for line in stderr().split(separator: "\n") where line.contains("serving /metrics") {
                if let match = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                   let port = match.split(separator: ":").last.flatMap({ Int($0) }) {
                    return port
                }
            }
            keepNotifying()
            usleep(50_000)
        }
        throw HarnessError("the status server did not say where it listens\n\(stderr())")
    }
}

/// One HTTP/1.1 request to 127.0.0.1 over a plain socket, `Connection: close`.
func http(_ port: Int, _ method: String, _ path: String, body: String = "") throws -> (status: Int, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HarnessError("connect to port \(port): errno \(errno)") }
    let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw HarnessError("send: errno \(errno)") }
        sent += n
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        response += buffer[0..<n]
    }
    let text = String(decoding: response, as: UTF8.self)
    let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
    let content = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, content)
}
