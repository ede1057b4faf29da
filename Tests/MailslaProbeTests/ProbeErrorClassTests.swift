import Foundation
import Mailsla
import Testing

@testable import MailslaProbe

/// Each error class from a real socket: a closed port, a listener that never answers,
/// a wrong greeting, a plain server under a TLS probe, refused credentials.
@Suite struct ProbeErrorClassTests {
    let prober = Prober()

    func target(_ service: String, port: Int, tls: ProbeTargetSettings.TLSMode = .none, verify: Bool = true,
                timeoutMs: Int = 3000) -> ProbeTargetSettings {
        ProbeTargetSettings(service: service, kind: ProbeTargetSettings.Kind.implied(by: service)!, host: "127.0.0.1", port: port,
                            tls: tls, tlsVerify: verify, connectTimeoutMilliseconds: 2000, timeoutMilliseconds: timeoutMs)
    }

    @Test func closedPortIsRefused() async throws {
        let port = try await LineServer.closedPort()
        for service in ["smtp-in", "pop3", "imap", "http"] {
            let result = await prober.probe(target(service, port: port), at: 1_000_000)
            #expect(!result.ok)
            #expect(result.errorClass == .refused, "\(service): \(result.test.error)")
            #expect(result.test.error.hasPrefix("refused: "))
            #expect(result.test.time == 1_000_000)
        }
    }

    @Test func silentListenerTimesOutNamingWhatItWaitedFor() async throws {
        let server = try await LineServer(greeting: nil)
        defer { Task { await server.stop() } }
        let result = await prober.probe(target("smtp-in", port: server.port, timeoutMs: 400), at: 0)
        #expect(result.errorClass == .timeout)
        #expect(result.test.error == "timeout: timed out after 400 ms waiting for the 220 greeting")
        #expect((result.test.latencyMs ?? 0) >= 390)
        #expect((result.test.latencyMs ?? 0) < 3000)
    }

    @Test func wrongGreetingIsProtocol() async throws {
        let http = try await LineServer(greeting: "HTTP/1.0 400 Bad Request")
        let smtp = await prober.probe(target("smtp-in", port: http.port), at: 0)
        #expect(smtp.errorClass == .protocol)
        #expect(smtp.test.error.contains("not an SMTP reply"))
        let busy = try await LineServer(greeting: "554 5.3.2 not now")
        let refusedGreeting = await prober.probe(target("smtp-in", port: busy.port), at: 0)
        #expect(refusedGreeting.errorClass == .protocol)
        #expect(refusedGreeting.test.error.contains("greeting is not 220"))
        let pop = try await LineServer(greeting: "-ERR too busy")
        let pop3 = await prober.probe(target("pop3", port: pop.port), at: 0)
        #expect(pop3.errorClass == .protocol)
        let imapBye = try await LineServer(greeting: "* BYE shutting down")
        let imap = await prober.probe(target("imap", port: imapBye.port), at: 0)
        #expect(imap.errorClass == .protocol)
        for s in [http, busy, pop, imapBye] { await s.stop() }
    }

    @Test func plainServerUnderTLSProbeIsTLS() async throws {
        let server = try await LineServer(greeting: "* OK plain IMAP") { _, _ in .close }
        defer { Task { await server.stop() } }
        let result = await prober.probe(target("imap", port: server.port, tls: .implicit, verify: false), at: 0)
        #expect(result.errorClass == .tls, "\(result.test.error)")
    }

    @Test func selfSignedCertificateFailsVerificationUnlessRelaxed() async throws {
        let server = try await LineServer(greeting: "* OK IMAPS ready", implicitTLS: TestCertificate.serverContext) { line, _ in
            if line.hasSuffix("NOOP") { return .lines([imapTag(line) + " OK NOOP done"]) }
            if line.hasSuffix("LOGOUT") { return .lines(["* BYE", imapTag(line) + " OK bye"]) }
            return .close
        }
        defer { Task { await server.stop() } }
        let verified = await prober.probe(target("imap", port: server.port, tls: .implicit), at: 0)
        #expect(verified.errorClass == .tls, "\(verified.test.error)")
        let relaxed = await prober.probe(target("imap", port: server.port, tls: .implicit, verify: false), at: 0)
        #expect(relaxed.ok, "\(relaxed.test.error)")
        #expect(server.lines == ["a1 NOOP", "a2 LOGOUT"])
    }

    @Test func refusedCredentialsAreAuth() async throws {
        let pop = try await LineServer(greeting: "+OK POP3 ready") { line, _ in
            line.hasPrefix("USER") ? .lines(["+OK"]) : .lines(["-ERR [AUTH] Authentication failed."])
        }
        let smtp = try await LineServer(greeting: "220 mx ESMTP") { line, _ in
            if line.hasPrefix("EHLO") { return .lines(["250-mx", "250 AUTH PLAIN LOGIN"]) }
            if line.hasPrefix("AUTH") { return .lines(["535 5.7.8 Error: authentication failed"]) }
            return .lines(["221 bye"])
        }
        let imap = try await LineServer(greeting: "* OK ready") { line, _ in
            .lines([imapTag(line) + " NO [AUTHENTICATIONFAILED] Authentication failed."])
        }
        let env = "MAILSLA_PROBE_TEST_PASSWORD"
        setenv(env, "wrong", 1)
        let credentials = ProbeTargetSettings.Credentials(username: "probe", password: .environment(env))
        for (service, port) in [("pop3", pop.port), ("smtp-out", smtp.port), ("imap", imap.port)] {
            var t = target(service, port: port)
            t.credentials = credentials
            let result = await prober.probe(t, at: 0)
            #expect(result.errorClass == .auth, "\(service): \(result.test.error)")
            #expect(!result.test.error.contains("wrong"))
        }
        #expect(smtp.lines.contains("AUTH PLAIN AHByb2JlAHdyb25n"))  // \0probe\0wrong
        for s in [pop, smtp, imap] { await s.stop() }
    }

    @Test func missingPasswordSourceIsAuthAndNamesTheSource() async throws {
        let pop = try await LineServer(greeting: "+OK")
        defer { Task { await pop.stop() } }
        var t = target("pop3", port: pop.port)
        t.credentials = .init(username: "probe", password: .file("/nonexistent/probe.pass"))
        let result = await prober.probe(t, at: 0)
        #expect(result.errorClass == .auth)
        #expect(result.test.error == "auth: cannot read the password file /nonexistent/probe.pass")
    }
}
