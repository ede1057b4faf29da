import Foundation
import MailslaRules
import MailslaSLA
import Yams

extension ConfigLoader {
    static let probeKeys: Set<String> = [
        "service", "kind", "host", "port", "url", "tls", "tls_verify", "username", "password_file", "password_env",
        "interval", "connect_timeout", "timeout", "helo", "expect_status", "expect_body", "from", "to", "confirm",
        "imap", "poll",
    ]

    /// `probes:`, a list of targets. Runs after `sla:` so a target's interval defaults to its service's
    /// interval, and a target's own interval becomes the service's when `sla.services` names none: the SLA
    /// engine's no-data gaps and the prober's cadence must agree.
    static func probeTargets(_ node: Node, _ r: YAMLReader, sla: inout SLAPolicy) throws -> [ProbeTargetSettings] {
        var targets: [ProbeTargetSettings] = []
        for item in try r.sequence(node, "probes") {
            let m = try r.mapping(item, allowed: probeKeys, what: "a probe target")
            let service = try r.string(m["service"], "probes: service (smtp-in, smtp-out, pop3, imap, http, mailflow or a name)")
            guard !targets.contains(where: { $0.service == service }) else {
                throw r.fail(m["service"], "probes: service '\(service)' appears twice; one target per service keeps one result per interval")
            }
            let kind: ProbeTargetSettings.Kind
            if let k = m["kind"] {
                let text = try r.string(k, "kind")
                guard let value = ProbeTargetSettings.Kind(rawValue: text) else {
                    throw r.fail(k, "kind must be one of \(ProbeTargetSettings.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = value
            } else {
                guard let implied = ProbeTargetSettings.Kind.implied(by: service) else {
                    throw r.fail(m["service"], "service '\(service)' is not a known one: add kind: smtp|pop3|imap|http|mailflow")
                }
                kind = implied
            }
            var tls = try tlsMode(m["tls"], r) ?? .none
            var host = try m["host"].map { try r.string($0, "host") }
            var port = try m["port"].map { try integer($0, r, "port", min: 1) }
            var http: ProbeTargetSettings.HTTPCheck?
            if kind == .http {
                var check = ProbeTargetSettings.HTTPCheck()
                if let u = m["url"] {
                    let text = try r.string(u, "url")
                    guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
                          scheme == "http" || scheme == "https", let h = url.host, !h.isEmpty else {
                        throw r.fail(u, "url must be http://host[:port]/path or https://…")
                    }
                    host = h
                    port = url.port ?? port
                    if scheme == "https" { tls = .implicit }
                    check.path = (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath)
                        + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
                }
                if let s = m["expect_status"] { check.expectStatus = try integer(s, r, "expect_status", min: 100) }
                if let b = m["expect_body"] { check.expectBody = try r.string(b, "expect_body") }
                http = check
                if tls == .starttls { throw r.fail(m["tls"], "http probes take tls: none or implicit (https)") }
            }
            guard let host, !host.isEmpty else { throw r.fail(item, "probe '\(service)': host (or url for http) is required") }
            var target = ProbeTargetSettings(
                service: service, kind: kind, host: host,
                port: port ?? ProbeTargetSettings.defaultPort(service: service, kind: kind, tls: tls), tls: tls)
            target.http = http
            if let v = m["tls_verify"] { target.tlsVerify = try bool(v, r, "tls_verify") }
            target.credentials = try credentials(m, item, r, what: "probe '\(service)'")
            if let h = m["helo"] { target.heloName = try r.string(h, "helo") }
            if let t = m["connect_timeout"] { target.connectTimeoutMilliseconds = try milliseconds(t, r, "connect_timeout") }
            if kind == .mailflow { target.timeoutMilliseconds = 60_000 }
            if let t = m["timeout"] { target.timeoutMilliseconds = try milliseconds(t, r, "timeout") }
            if let i = m["interval"] {
                let seconds = try duration(i, r, "interval")
                guard seconds > 0 else { throw r.fail(i, "interval must be more than 0 seconds") }
                if let declared = sla.services[service], declared.intervalSeconds != seconds {
                    throw r.fail(i, "probe '\(service)': interval \(seconds)s differs from sla.services.\(service).interval "
                        + "\(declared.intervalSeconds)s; give it in one place")
                }
                var policy = sla.service(service)
                policy.intervalSeconds = seconds
                sla.services[service] = policy
            }
            target.intervalSeconds = sla.service(service).intervalSeconds
            if kind == .mailflow {
                target.mailflow = try mailflow(m, item, r)
            } else {
                for key in ["from", "to", "confirm", "imap", "poll"] where m[key] != nil {
                    throw r.fail(m[key], "'\(key)' belongs to mailflow probes only")
                }
            }
            if kind != .http {
                for key in ["url", "expect_status", "expect_body"] where m[key] != nil {
                    throw r.fail(m[key], "'\(key)' belongs to http probes only")
                }
            }
            targets.append(target)
        }
        return targets
    }

    private static func mailflow(_ m: [String: Node], _ item: Node, _ r: YAMLReader) throws -> ProbeTargetSettings.Mailflow {
        let from = try r.string(m["from"], "mailflow: from (the probe's sender address)")
        let to = try r.string(m["to"], "mailflow: to (the mailbox the probe message goes to)")
        let how = try m["confirm"].map { try r.string($0, "confirm") } ?? (m["imap"] == nil ? "logs" : "imap")
        let confirm: ProbeTargetSettings.MailflowConfirmation
        switch how {
        case "logs":
            if m["imap"] != nil { throw r.fail(m["imap"], "imap: is only read with confirm: imap") }
            confirm = .logs
        case "imap":
            guard let node = m["imap"] else { throw r.fail(item, "confirm: imap needs an imap: {host, port, username, password_file}") }
            let i = try r.mapping(node, allowed: ["host", "port", "tls", "tls_verify", "username", "password_file", "password_env"],
                                  what: "mailflow imap")
            let tls = try tlsMode(i["tls"], r) ?? .none
            guard let credentials = try credentials(i, node, r, what: "mailflow imap") else {
                throw r.fail(node, "mailflow imap: username and password_file or password_env are required")
            }
            var mailbox = ProbeTargetSettings.IMAPMailbox(
                host: try r.string(i["host"], "imap.host"),
                port: try i["port"].map { try integer($0, r, "imap.port", min: 1) } ?? (tls == .implicit ? 993 : 143),
                tls: tls, credentials: credentials)
            if let v = i["tls_verify"] { mailbox.tlsVerify = try bool(v, r, "imap.tls_verify") }
            confirm = .imap(mailbox)
        default:
            throw r.fail(m["confirm"], "confirm must be 'logs' (the flow correlator of mailsla tail) or 'imap'")
        }
        var flow = ProbeTargetSettings.Mailflow(from: from, to: to, confirm: confirm)
        if let p = m["poll"] { flow.pollMilliseconds = try milliseconds(p, r, "poll") }
        return flow
    }

    private static func credentials(_ m: [String: Node], _ node: Node, _ r: YAMLReader,
                                    what: String) throws -> ProbeTargetSettings.Credentials? {
        let file = try m["password_file"].map { try r.string($0, "password_file") }
        let env = try m["password_env"].map { try r.string($0, "password_env") }
        guard let u = m["username"] else {
            if file != nil || env != nil { throw r.fail(node, "\(what): a password needs a username") }
            return nil
        }
        let username = try r.string(u, "username")
        switch (file, env) {
        case (let path?, nil): return .init(username: username, password: .file(path))
        case (nil, let name?): return .init(username: username, password: .environment(name))
        default:
            throw r.fail(u, "\(what): give the password as password_file (a file readable only by mailsla) "
                + "or password_env (a variable name), exactly one; passwords are never written in mailsla.yaml")
        }
    }

    private static func tlsMode(_ node: Node?, _ r: YAMLReader) throws -> ProbeTargetSettings.TLSMode? {
        guard let node else { return nil }
        if let flag = node.bool { return flag ? .implicit : ProbeTargetSettings.TLSMode.none }
        let text = try r.string(node, "tls")
        guard let mode = ProbeTargetSettings.TLSMode(rawValue: text) else {
            throw r.fail(node, "tls must be none, starttls or implicit, not '\(text)'")
        }
        return mode
    }

    private static func bool(_ node: Node, _ r: YAMLReader, _ what: String) throws -> Bool {
        guard let value = node.bool else { throw r.fail(node, "\(what) must be true or false") }
        return value
    }

    /// `500ms`, or any duration `duration` reads (`10s`, `2m`), in milliseconds.
    private static func milliseconds(_ node: Node, _ r: YAMLReader, _ what: String) throws -> Int {
        if let text = node.scalar?.string, text.hasSuffix("ms"), let value = Int(text.dropLast(2)), value > 0 {
            return value
        }
        let seconds = try duration(node, r, what)
        guard seconds > 0 else { throw r.fail(node, "\(what) must be more than 0") }
        return seconds * 1000
    }
}
