import Foundation
import Mailsla
import Testing

@testable import MailslaProbe

func imapTag(_ line: String) -> String { String(line.split(separator: " ")[0]) }

/// The conversations that pass, over real sockets: what the probe sends and in what order.
@Suite struct ProbeConversationTests {
    let prober = Prober()

    @Test func smtpStartTLSThenAuthPlain() async throws {
        let server = try await LineServer(greeting: "220 mx.test ESMTP", startTLS: TestCertificate.serverContext) { line, tls in
            switch line.prefix(4) {
            case "EHLO": return .lines(tls ? ["250-mx.test", "250 AUTH PLAIN LOGIN"] : ["250-mx.test", "250-STARTTLS", "250 SIZE 1000"])
            case "STAR": return .startTLS(["220 2.0.0 Ready to start TLS"])
            case "AUTH": return .lines([tls ? "235 2.7.0 Authentication successful" : "530 must STARTTLS first"])
            case "QUIT": return .lines(["221 2.0.0 Bye"])
            default: return .lines(["502 what"])
            }
        }
        defer { Task { await server.stop() } }
        setenv("MAILSLA_PROBE_TEST_OK", "s3cret", 1)
        let target = ProbeTargetSettings(service: "smtp-out", kind: .smtp, host: "127.0.0.1", port: server.port, tls: .starttls,
                                         tlsVerify: false,
                                         credentials: .init(username: "probe", password: .environment("MAILSLA_PROBE_TEST_OK")),
                                         heloName: "probe.test")
        let result = await prober.probe(target, at: 5_000_000)
        #expect(result.ok, "\(result.test.error)")
        #expect(result.test.error == "")
        #expect((result.test.latencyMs ?? -1) >= 0)
        #expect(server.lines == ["EHLO probe.test", "STARTTLS", "EHLO probe.test", "AUTH PLAIN AHByb2JlAHMzY3JldA==", "QUIT"])
    }

    @Test func smtpStartTLSNotOfferedIsTLSFailure() async throws {
        let server = try await LineServer(greeting: "220 mx.test ESMTP") { line, _ in
            line.hasPrefix("EHLO") ? .lines(["250-mx.test", "250 SIZE 1000"]) : .lines(["221 bye"])
        }
        defer { Task { await server.stop() } }
        let target = ProbeTargetSettings(service: "smtp-in", kind: .smtp, host: "127.0.0.1", port: server.port, tls: .starttls)
        let result = await prober.probe(target, at: 0)
        #expect(result.errorClass == .tls)
        #expect(result.test.error == "tls: the server does not offer STARTTLS")
    }

    @Test func pop3LoginAndStat() async throws {
        let server = try await LineServer(greeting: "+OK Dovecot ready.") { line, _ in
            line == "STAT" ? .lines(["+OK 3 4096"]) : .lines(["+OK"])
        }
        defer { Task { await server.stop() } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-pass-\(getpid())")
        try "pw\n".write(to: dir, atomically: true, encoding: .utf8)
        let target = ProbeTargetSettings(service: "pop3", kind: .pop3, host: "127.0.0.1", port: server.port,
                                         credentials: .init(username: "probe", password: .file(dir.path)))
        let result = await prober.probe(target, at: 0)
        #expect(result.ok, "\(result.test.error)")
        #expect(server.lines == ["USER probe", "PASS pw", "STAT", "QUIT"])
    }

    @Test func imapLoginNoopLogoutQuotesTheCredentials() async throws {
        let server = try await LineServer(greeting: "* OK [CAPABILITY IMAP4rev1] ready") { line, _ in
            line.hasSuffix("LOGOUT") ? .lines(["* BYE Logging out", imapTag(line) + " OK Logout completed."])
                : .lines([imapTag(line) + " OK done"])
        }
        defer { Task { await server.stop() } }
        setenv("MAILSLA_PROBE_TEST_Q", "pa\"ss\\", 1)
        let target = ProbeTargetSettings(service: "imap", kind: .imap, host: "127.0.0.1", port: server.port,
                                         credentials: .init(username: "probe", password: .environment("MAILSLA_PROBE_TEST_Q")))
        let result = await prober.probe(target, at: 0)
        #expect(result.ok, "\(result.test.error)")
        #expect(server.lines == ["a1 LOGIN \"probe\" \"pa\\\"ss\\\\\"", "a2 NOOP", "a3 LOGOUT"])
    }

    @Test func httpStatusAndBody() async throws {
        let body = "<html>Roundcube Webmail</html>"
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let server = try await LineServer(greeting: nil, raw: response)
        defer { Task { await server.stop() } }
        var target = ProbeTargetSettings(service: "http", kind: .http, host: "127.0.0.1", port: server.port)
        target.http = .init(path: "/mail/", expectStatus: 200, expectBody: "Roundcube")
        let ok = await prober.probe(target, at: 0)
        #expect(ok.ok, "\(ok.test.error)")
        target.http = .init(path: "/", expectStatus: 200, expectBody: "Nextcloud")
        let wrongBody = await prober.probe(target, at: 0)
        #expect(wrongBody.errorClass == .protocol)
        #expect(wrongBody.test.error == "protocol: the body does not contain the expected text")
        target.http = .init(path: "/", expectStatus: 204)
        let wrongStatus = await prober.probe(target, at: 0)
        #expect(wrongStatus.test.error == "protocol: HTTP status 200, expected 204")
    }

    @Test func httpResponseParsesChunkedBodies() throws {
        let bytes = Array("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".utf8)
        let response = try HTTPResponse(parsing: bytes)
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
        #expect(response.bodyContains("lo wo"))
        #expect(throws: ProbeFailure.self) { try HTTPResponse(parsing: Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) }
    }

    @Test func smtpStateMachineSendsTheMessageDotStuffedAndReadsTheQueueID() {
        var smtp = SMTPConversation(heloName: "p", startTLS: false,
                                    message: .init(from: "a@x.test", to: "b@x.test", lines: ["Subject: t", "", ".leading dot"]))
        #expect(smtp.receive("220 mx ESMTP") == [.send("EHLO p")])
        #expect(smtp.receive("250-mx") == [])
        #expect(smtp.receive("250 8BITMIME") == [.send("MAIL FROM:<a@x.test>")])
        #expect(smtp.receive("250 ok") == [.send("RCPT TO:<b@x.test>")])
        #expect(smtp.receive("250 ok") == [.send("DATA")])
        #expect(smtp.receive("354 go") == [.send("Subject: t"), .send(""), .send("..leading dot"), .send(".")])
        #expect(smtp.receive("250 2.0.0 Ok: queued as 4PbC4x469Jz3tBr") == [.send("QUIT")])
        #expect(smtp.queueID == "4PbC4x469Jz3tBr")
        #expect(smtp.closeEndsConversation)
        #expect(smtp.receive("221 bye") == [.finished])
    }

    @Test func smtpAuthLoginWhenPlainIsNotOffered() {
        var smtp = SMTPConversation(heloName: "p", startTLS: false, username: "u", password: "pw")
        _ = smtp.receive("220 mx")
        #expect(smtp.receive("250-mx") == [])
        #expect(smtp.receive("250 AUTH LOGIN CRAM-MD5") == [.send("AUTH LOGIN")])
        #expect(smtp.receive("334 VXNlcm5hbWU6") == [.send("dQ==")])
        #expect(smtp.receive("334 UGFzc3dvcmQ6") == [.send("cHc=")])
        #expect(smtp.receive("235 ok") == [.send("QUIT")])
    }

    @Test func commandsWithLineBreaksAreNeverSent() async throws {
        let server = try await LineServer(greeting: "+OK") { _, _ in .lines(["+OK"]) }
        defer { Task { await server.stop() } }
        setenv("MAILSLA_PROBE_TEST_CRLF", "pw\r\nDELE 1", 1)
        let target = ProbeTargetSettings(service: "pop3", kind: .pop3, host: "127.0.0.1", port: server.port,
                                         credentials: .init(username: "probe", password: .environment("MAILSLA_PROBE_TEST_CRLF")))
        let result = await prober.probe(target, at: 0)
        #expect(result.errorClass == .protocol)
        #expect(!server.lines.contains { $0.contains("DELE") })
    }
}
