import Foundation
import Mailsla
import Testing
@testable import MailslaServe

/// The routes over real HTTP: what each answers, what is refused and how.
@Suite struct StatusServerTests {
    @Test func metricsAreServedAsPrometheusText() async throws {
        let server = try await RunningServer.start()
        let answer = try await server.request("GET", "/metrics")
        try await server.stop()
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let scrape = try Exposition(answer.text)
        #expect(scrape.value("mailsla_build_info", ["version": "test"]) == 1)
        #expect(scrape.types["mailsla_messages_total"] == "counter")
        #expect(scrape.types["mailsla_delivery_latency_seconds"] == "histogram")
    }

    @Test func theStatusPageIsTheBoardsHTMLWithAStrictPolicy() async throws {
        let server = try await RunningServer.start()
        let before = try await server.request("GET", "/")
        server.board.publish(LiveMetrics(version: "test"), html: "<!DOCTYPE html><p>month so far</p>")
        let after = try await server.request("GET", "/")
        try await server.stop()
        #expect(before.status == 200 && before.text.contains("mailsla is starting"))
        #expect(after.status == 200 && after.text == "<!DOCTYPE html><p>month so far</p>")
        #expect(after.headers["content-type"] == "text/html; charset=utf-8")
        #expect(after.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
        #expect(after.headers["x-content-type-options"] == "nosniff")
    }

    @Test func unknownPathsAre404AndOtherMethods405() async throws {
        let server = try await RunningServer.start()
        let unknown = try await server.request("GET", "/metrics/../etc/passwd")
        let nested = try await server.request("GET", "/probes/x")
        let delete = try await server.request("DELETE", "/metrics")
        let put = try await server.request("PUT", "/probes", body: Data("x".utf8))
        let getProbes = try await server.request("GET", "/probes")
        let postHealth = try await server.request("POST", "/healthz", body: Data())
        try await server.stop()
        #expect(unknown.status == 404 && nested.status == 404)
        #expect(delete.status == 405 && delete.headers["allow"] == "GET")
        #expect(put.status == 405 && put.headers["allow"] == "POST")
        #expect(getProbes.status == 405 && getProbes.headers["allow"] == "POST")
        #expect(postHealth.status == 405)
    }

    @Test func healthzFollowsTheEnginesPublishing() async throws {
        let server = try await RunningServer.start(staleAfter: .seconds(3))
        let starting = try await server.request("GET", "/healthz")
        // A request right after a publish is answered 200; a machine so busy that the answer came after the
        // bound says "stale", so the pair is tried again (a few times) rather than failing on the clock.
        var fresh = starting
        for _ in 0..<5 where fresh.status != 200 {
            server.board.publish(LiveMetrics(version: "test"))
            fresh = try await server.request("GET", "/healthz")
        }
        // Without another publish the answer turns to 503 once the bound has passed.
        var stale = fresh
        // The bound is generous so a request slowed by a busy machine still sees a fresh publish.
        let deadline = Date().addingTimeInterval(30)
        while stale.status == 200, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            stale = try await server.request("GET", "/healthz")
        }
        server.board.publish(LiveMetrics(version: "test"))
        let again = try await server.request("GET", "/healthz")
        try await server.stop()
        #expect(starting.status == 503 && starting.text.hasPrefix("starting"))
        #expect(fresh.status == 200 && fresh.text == "ok\n")
        #expect(stale.status == 503 && stale.text.hasPrefix("stale"))
        #expect(again.status == 200)
    }

    @Test func aBearerTokenGuardsEveryRouteButHealthz() async throws {
        let token = "0123456789abcdef0123"
        let server = try await RunningServer.start(testSettings { $0.auth = .bearer(token: token) })
        server.board.publish(LiveMetrics(version: "test"))
        let good = ["Authorization": "Bearer \(token)"]
        var answers: [String: Int] = [:]
        for path in ["/metrics", "/"] {
            answers["none \(path)"] = try await server.request("GET", path).status
            answers["wrong \(path)"] = try await server.request("GET", path, headers: ["Authorization": "Bearer \(token)x"]).status
            answers["good \(path)"] = try await server.request("GET", path, headers: good).status
        }
        let noneProbe = try await server.request("POST", "/probes", body: Data())
        let goodProbe = try await server.request("POST", "/probes", headers: good, body: Data())
        server.board.publish(LiveMetrics(version: "test"))   // fresh, however long the requests above took
        let health = try await server.request("GET", "/healthz")
        let unknown = try await server.request("GET", "/nope")
        let scrape = try Exposition(try await server.request("GET", "/metrics", headers: good).text)
        try await server.stop()
        #expect(answers == ["none /metrics": 401, "wrong /metrics": 401, "good /metrics": 200,
                            "none /": 401, "wrong /": 401, "good /": 200])
        #expect(noneProbe.status == 401 && noneProbe.headers["www-authenticate"] == #"Bearer realm="mailsla""#)
        #expect(goodProbe.status == 200)
        #expect(health.status == 200)
        #expect(unknown.status == 404)
        #expect(scrape.value("mailsla_http_refused_total", ["reason": "unauthorized"]) == 5)
    }

    @Test func basicAuthTakesTheConfiguredUserAndPassword() async throws {
        let server = try await RunningServer.start(testSettings { $0.auth = .basic(user: "prometheus", password: "s3cret-pass") })
        // Over a plain socket: URLSession on Linux would wait for credentials at a Basic challenge.
        func status(_ authorization: String) async throws -> String {
            let answer = try await RawHTTP.get(port: server.port, path: "/metrics", headers: ["Authorization": authorization])
            return String(answer.prefix(12))
        }
        func basic(_ credentials: String) -> String { "Basic " + Data(credentials.utf8).base64EncodedString() }
        let good = try await status(basic("prometheus:s3cret-pass"))
        let wrong = try await status(basic("prometheus:s3cret-pasS"))
        let user = try await status(basic("root:s3cret-pass"))
        let bearer = try await status("Bearer s3cret-pass")
        let challenge = try await RawHTTP.get(port: server.port, path: "/", headers: [:])
        try await server.stop()
        #expect([good, wrong, user, bearer] == ["HTTP/1.1 200", "HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401"])
        #expect(challenge.lowercased().contains(#"www-authenticate: basic realm="mailsla""#))
    }

    @Test func withoutCredentialsConfiguredEveryRouteIsOpen() async throws {
        let server = try await RunningServer.start()
        let metrics = try await server.request("GET", "/metrics", headers: ["Authorization": "Bearer anything"])
        let page = try await server.request("GET", "/")
        try await server.stop()
        #expect(metrics.status == 200 && page.status == 200)
    }

    @Test func itListensOnLoopbackByDefault() async throws {
        #expect(ListenSettings().address == "127.0.0.1" && ListenSettings().isLoopback)
        let server = try await RunningServer.start()
        // Reachable on 127.0.0.1; the socket is bound to that address only.
        let answer = try await server.request("GET", "/healthz")
        // Read to the end: String(contentsOfFile:) stops after the first page of a /proc file (26
        // sockets), and a full test run has more listeners than that.
        let table = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/net/tcp")).readToEnd() ?? Data()
        let bound = String(decoding: table, as: UTF8.self)
        try await server.stop()
        #expect(answer.status == 503)
        let port = String(format: "%04X", server.port)
        #expect(bound.contains("0100007F:\(port) 00000000:0000 0A"), "no LISTEN socket on 127.0.0.1:\(server.port)")
        #expect(!bound.contains("00000000:\(port) 00000000:0000 0A"), "a LISTEN socket on 0.0.0.0:\(server.port)")
    }
}
