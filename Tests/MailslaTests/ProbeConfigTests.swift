import Foundation
import MailslaSLA
import Testing

@testable import Mailsla

/// `probes:` in mailsla.yaml: targets, defaults, credentials by reference only, and refusals.
@Suite struct ProbeConfigTests {
    @Test func targetsWithDefaultsAndIntervalsSharedWithTheSLA() throws {
        let c = try ConfigLoader.parse("""
        sla:
          services:
            default: { interval: 2m }
            pop3: { interval: 1m, threshold: 3 }
        probes:
          - { service: smtp-in, host: mx.example.test, tls: starttls, interval: 30s }
          - service: pop3
            host: mx.example.test
            tls: implicit
            username: probe
            password_file: /etc/mailsla/probe.pass
          - { service: imap, host: 127.0.0.1, tls_verify: false, timeout: 1500ms, connect_timeout: 2s }
          - { service: http, url: "https://webmail.example.test:8443/mail/?x=1", expect_status: 302, expect_body: Roundcube }
          - service: mailflow
            host: mx.example.test
            from: probe@example.test
            to: probe-inbox@example.test
            imap: { host: imap.example.test, username: probe-inbox, password_env: PROBE_PW, tls: implicit }
          - { service: webmail-api, kind: http, url: "http://10.0.0.8/health" }
        detection:
          trust_loopback: false
        """, path: "probes.yaml")
        let t = Dictionary(uniqueKeysWithValues: c.probeTargets.map { ($0.service, $0) })
        #expect(c.probeTargets.map(\.service) == ["smtp-in", "pop3", "imap", "http", "mailflow", "webmail-api"])
        #expect(t["smtp-in"]?.port == 25 && t["smtp-in"]?.tls == .starttls && t["smtp-in"]?.intervalSeconds == 30)
        // A target's interval becomes the service's, so incidents and no-data gaps use the real cadence.
        #expect(c.sla.service("smtp-in").intervalSeconds == 30)
        #expect(t["pop3"]?.port == 995 && t["pop3"]?.intervalSeconds == 60)
        #expect(t["pop3"]?.credentials == .init(username: "probe", password: .file("/etc/mailsla/probe.pass")))
        #expect(t["imap"]?.port == 143 && t["imap"]?.tlsVerify == false && t["imap"]?.timeoutMilliseconds == 1500)
        #expect(t["imap"]?.connectTimeoutMilliseconds == 2000 && t["imap"]?.intervalSeconds == 120)
        #expect(t["http"]?.host == "webmail.example.test" && t["http"]?.port == 8443 && t["http"]?.tls == .implicit)
        #expect(t["http"]?.http == .init(path: "/mail/?x=1", expectStatus: 302, expectBody: "Roundcube"))
        #expect(t["webmail-api"]?.kind == .http && t["webmail-api"]?.port == 80)
        let flow = try #require(t["mailflow"]?.mailflow)
        #expect(t["mailflow"]?.timeoutMilliseconds == 60_000)
        #expect(flow.confirm == .imap(.init(host: "imap.example.test", port: 993, tls: .implicit,
                                            credentials: .init(username: "probe-inbox", password: .environment("PROBE_PW")))))
        #expect(c.detection.trustLoopback == false)
        #expect(String(describing: t["pop3"]!.credentials!) == "probe (password from file /etc/mailsla/probe.pass)")
    }

    @Test func mailflowConfirmsFromTheLogsByDefault() throws {
        let c = try ConfigLoader.parse("""
        probes:
          - { service: mailflow, host: 127.0.0.1, port: 2525, from: a@x.test, to: b@x.test, timeout: 3m }
        """, path: "p.yaml")
        #expect(c.probeTargets[0].mailflow?.confirm == .logs)
        #expect(c.probeTargets[0].timeoutMilliseconds == 180_000)
    }

    @Test func badTargetsAreRefusedWithTheLine() {
        #expect(refusal("probes:\n  - { service: pop3, host: h, password: x }").hasPrefix("bad.yaml:2: unknown key 'password' in a probe target"))
        #expect(refusal("probes:\n  - { service: pop3, host: h, username: u }").hasPrefix(
            "bad.yaml:2: probe 'pop3': give the password as password_file"))
        #expect(refusal("probes:\n  - { service: pop3, host: h, username: u, password_file: f, password_env: E }").contains("exactly one"))
        #expect(refusal("probes:\n  - { service: pop3, host: h }\n  - { service: pop3, host: h2 }").hasPrefix(
            "bad.yaml:3: probes: service 'pop3' appears twice"))
        #expect(refusal("probes:\n  - { service: dns, host: h }").contains("add kind: smtp|pop3|imap|http|mailflow"))
        #expect(refusal("probes:\n  - { service: pop3 }").hasPrefix("bad.yaml:2: probe 'pop3': host (or url for http) is required"))
        #expect(refusal("probes:\n  - { service: pop3, host: h, tls: maybe }") == "bad.yaml:2: tls must be none, starttls or implicit, not 'maybe'")
        #expect(refusal("sla:\n  services: { pop3: { interval: 5m } }\nprobes:\n  - { service: pop3, host: h, interval: 1m }")
            .contains("interval 60s differs from sla.services.pop3.interval 300s"))
        #expect(refusal("probes:\n  - { service: mailflow, host: h, from: a@x, to: b@x, confirm: imap }").contains("needs an imap:"))
        #expect(refusal("probes:\n  - { service: smtp-in, host: h, from: a@x }").contains("'from' belongs to mailflow probes only"))
        #expect(refusal("probes:\n  - { service: http, url: \"ftp://x/\" }").contains("url must be http://"))
        #expect(refusal("detection:\n  trust_loopback: maybe") == "bad.yaml:2: detection.trust_loopback must be true or false")
    }
}
