import Foundation
import Mailsla
import MailslaSLA
import Testing
@testable import MailslaServe

/// POST /probes over real HTTP: what goes into the inbox, what is counted and refused.
@Suite struct ProbeUploadTests {
    @Test func jsonLinesGoToTheInboxAndBadLinesAreReported() async throws {
        let server = try await RunningServer.start()
        let body = """
        {"ts":"2026-11-03T10:00:00Z","service":"smtp-in","ok":true,"latency_ms":12.5}
        {"ts":"2026-11-03T10:05:00Z","service":"smtp-in","ok":false,"error":"timeout"}
        {"ts":"yesterday","service":"smtp-in","ok":true}
        not json at all
        {"ts":"2026-11-03T10:00:00Z","service":"smtp-in","ok":true}
        {"ts":"2026-11-03T10:00:00Z","service":"pop3","ok":true}

        """
        let answer = try await server.request("POST", "/probes", body: Data(body.utf8))
        let inbox = server.board.takeProbeResults()
        let drained = server.board.takeProbeResults()
        let scrape = try Exposition(try await server.request("GET", "/metrics").text)
        try await server.stop()
        #expect(answer.status == 200 && answer.headers["content-type"] == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
        #expect(json["accepted"] as? Int == 3 && json["malformed"] as? Int == 2 && json["duplicates"] as? Int == 1)
        #expect(json["malformed_by_reason"] as? [String: Int] == ["bad_ts": 1, "invalid_json": 1])
        #expect((json["notices"] as? [String])?.first == "body:3: malformed (bad_ts)")
        #expect(inbox.map(\.service) == ["pop3", "smtp-in", "smtp-in"])
        #expect(inbox[1].test == ProbeTest(time: 1_793_700_000_000_000, ok: true, latencyMs: 12.5))
        #expect(inbox[2].test.ok == false && inbox[2].test.error == "timeout")
        #expect(drained.isEmpty)
        #expect(scrape.value("mailsla_probe_upload_lines_total", ["outcome": "accepted"]) == 3)
        #expect(scrape.value("mailsla_probe_upload_lines_total", ["outcome": "malformed"]) == 2)
        #expect(scrape.value("mailsla_probe_upload_lines_total", ["outcome": "duplicate"]) == 1)
    }

    @Test func csvIsReadAsTheProbeFileReaderReadsIt() async throws {
        let server = try await RunningServer.start()
        let body = "ts,service,ok,latency_ms,error\n2026-11-03T10:00:00Z,imap,1,3,\n2026-11-03T10:05:00Z,imap,0,,\"refused, twice\"\n"
        let answer = try await server.request("POST", "/probes", headers: ["Content-Type": "text/csv"], body: Data(body.utf8))
        let inbox = server.board.takeProbeResults()
        try await server.stop()
        #expect(answer.status == 200)
        #expect(inbox.count == 2 && inbox.allSatisfy { $0.service == "imap" })
        #expect(inbox[1].test.error == "refused, twice")
    }

    @Test func aBodyWithNothingUsableIs400() async throws {
        let server = try await RunningServer.start()
        let answer = try await server.request("POST", "/probes", body: Data("{\"ts\": 1}\n".utf8))
        try await server.stop()
        #expect(answer.status == 400)
        #expect(answer.text.contains("\"missing_service\":1") || answer.text.contains("\"bad_ts\":1"))
        #expect(server.board.takeProbeResults().isEmpty)
    }

    @Test func aBodyOverTheLimitIs413AndNothingReachesTheInbox() async throws {
        let server = try await RunningServer.start(testSettings { $0.bodyLimitBytes = 4096 })
        let line = #"{"ts":"2026-11-03T10:00:00Z","service":"smtp-in","ok":true}"# + "\n"
        let fits = String(repeating: line, count: 4096 / line.utf8.count)
        let big = String(repeating: line, count: 20_000)
        let small = try await server.request("POST", "/probes", body: Data(fits.utf8))
        _ = server.board.takeProbeResults()
        let large = try await server.request("POST", "/probes", body: Data(big.utf8))
        let chunked = try await RawHTTP.post(port: server.port, path: "/probes", chunks: Array(repeating: Data(line.utf8), count: 200))
        let inbox = server.board.takeProbeResults()
        let scrape = try Exposition(try await server.request("GET", "/metrics").text)
        try await server.stop()
        #expect(small.status == 200)
        #expect(large.status == 413)
        #expect(chunked.hasPrefix("HTTP/1.1 413"), "a chunked body without a length is cut at the limit too: \(chunked.prefix(40))")
        #expect(inbox.isEmpty)
        #expect(scrape.value("mailsla_http_refused_total", ["reason": "too_large"]) == 2)
    }

    @Test func eachClientGetsItsRateAndThenA429() async throws {
        let server = try await RunningServer.start(testSettings {
            $0.rateLimitRequests = 3
            $0.rateLimitWindowSeconds = 3600
        })
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<5 {
            let answer = try await server.request("POST", "/probes", body: Data())
            statuses.append(answer.status)
            if answer.status == 429 { retryAfter = answer.headers["retry-after"] }
        }
        // Only POST /probes is limited: scrapes go on.
        let scrape = try await server.request("GET", "/metrics")
        try await server.stop()
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(retryAfter.flatMap(Int.init).map { $0 > 0 && $0 <= 1200 } == true)
        #expect(scrape.status == 200)
        #expect(try Exposition(scrape.text).value("mailsla_http_refused_total", ["reason": "rate_limited"]) == 2)
    }

    @Test func aFullInboxRefusesWith503UntilTheEngineDrains() async throws {
        let board = StatusBoard(version: "test", inboxLimit: 2)
        let server = try await RunningServer.start(board: board)
        let three = (0..<3).map { #"{"ts":"2026-11-03T10:0\#($0):00Z","service":"http","ok":true}"# }.joined(separator: "\n")
        let refused = try await server.request("POST", "/probes", body: Data(three.utf8))
        let two = try await server.request("POST", "/probes", body: Data(three.split(separator: "\n").prefix(2).joined(separator: "\n").utf8))
        let full = try await server.request("POST", "/probes", body: Data(three.split(separator: "\n").last!.utf8))
        let drained = board.takeProbeResults()
        let afterDrain = try await server.request("POST", "/probes", body: Data(three.split(separator: "\n").last!.utf8))
        try await server.stop()
        #expect(refused.status == 503 && refused.text.contains("\"accepted\":0"))
        #expect(two.status == 200 && full.status == 503)
        #expect(drained.count == 2)
        #expect(afterDrain.status == 200 && board.takeProbeResults().count == 1)
    }
}
