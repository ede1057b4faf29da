import MailslaRules
import MailslaSLA
import Yams

extension ListenSettings {
    static let keys: Set<String> = ["address", "port", "token", "basic", "body_limit", "rate_limit"]

    /// Reads `listen:`: either `HOST:PORT` (`127.0.0.1:9745`, `[::1]:9745`) or a mapping of
    /// `address`, `port`, `token` or `basic: {user, password}`, `body_limit` (bytes) and
    /// `rate_limit: {requests, per}`. Keys left out keep their defaults.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        if node.scalar != nil {
            let text = try r.string(node, "listen")
            guard let (host, port) = Self.split(text) else {
                throw r.fail(node, "listen: '\(text)' must be ADDRESS:PORT (e.g. 127.0.0.1:9745 or [::1]:9745) or a mapping")
            }
            address = host
            self.port = port
            return
        }
        let m = try r.mapping(node, allowed: Self.keys, what: "listen")
        if let n = m["address"] {
            address = try r.string(n, "listen.address")
            if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
            guard !address.isEmpty else { throw r.fail(n, "listen.address must not be empty (write 127.0.0.1 for loopback)") }
        }
        if let n = m["port"] {
            guard let value = n.int, (0...65535).contains(value) else { throw r.fail(n, "listen.port must be a port number 0…65535") }
            port = value
        }
        if m["token"] != nil, m["basic"] != nil { throw r.fail(m["basic"], "listen: give either token or basic, not both") }
        if let n = m["token"] {
            let token = try r.string(n, "listen.token")
            guard token.count >= 16 else { throw r.fail(n, "listen.token must be at least 16 characters (e.g. from `openssl rand -hex 32`)") }
            auth = .bearer(token: token)
        }
        if let n = m["basic"] {
            let b = try r.mapping(n, allowed: ["user", "password"], what: "listen.basic")
            let user = try r.string(b["user"], "listen.basic.user")
            let password = try r.string(b["password"], "listen.basic.password")
            guard !user.isEmpty, !user.contains(":") else { throw r.fail(n, "listen.basic.user must be non-empty and contain no ':'") }
            guard password.count >= 8 else { throw r.fail(n, "listen.basic.password must be at least 8 characters") }
            auth = .basic(user: user, password: password)
        }
        if let n = m["body_limit"] {
            guard let value = n.int, (1024...(64 << 20)).contains(value) else {
                throw r.fail(n, "listen.body_limit must be a number of bytes from 1024 to 67108864")
            }
            bodyLimitBytes = value
        }
        if let n = m["rate_limit"] {
            let rate = try r.mapping(n, allowed: ["requests", "per"], what: "listen.rate_limit")
            if let q = rate["requests"] {
                guard let value = q.int, value >= 1 else { throw r.fail(q, "listen.rate_limit.requests must be a whole number ≥ 1") }
                rateLimitRequests = value
            }
            if let p = rate["per"] {
                let text = try r.string(p, "listen.rate_limit.per")
                guard let seconds = p.int ?? RecurringMaintenance.durationSeconds(text), seconds >= 1 else {
                    throw r.fail(p, "listen.rate_limit.per: '\(text)' is not a duration (e.g. 1m, 30s)")
                }
                rateLimitWindowSeconds = seconds
            }
        }
    }

    /// `host:port`, `[v6]:port`; nil when there is no valid port.
    static func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.contains(":") == text.hasPrefix("[") else { return nil }
        return (host, port)
    }
}
