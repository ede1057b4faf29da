/// One server `mailsla probe` and the probe service of `mailsla tail` test at
/// every interval (`probes:` in `mailsla.yaml`). A plain value: the probing
/// itself (SwiftNIO) lives in `MailslaProbe`, so the pipeline does not depend on it.
public struct ProbeTargetSettings: Sendable, Equatable {
    /// What conversation the probe holds; known service names imply it, others name it with `kind:`.
    public enum Kind: String, Sendable, CaseIterable {
        case smtp, pop3, imap, http, mailflow

        /// The kind a known service name implies.
        public static func implied(by service: String) -> Kind? {
            switch service {
            case "smtp-in", "smtp-out": .smtp
            case "pop3": .pop3
            case "imap": .imap
            case "http": .http
            case "mailflow": .mailflow
            default: nil
            }
        }
    }

    /// How the connection is protected.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain text throughout.
        case none
        /// Plain first, then STARTTLS (SMTP, IMAP) or STLS (POP3) before anything else.
        case starttls
        /// TLS from the first byte (SMTPS 465, POP3S 995, IMAPS 993, HTTPS).
        case implicit
    }

    /// A user name and where its password is read at probe time. The password
    /// itself is never part of the configuration value, so it cannot end up in a log or a report.
    public struct Credentials: Sendable, Equatable, CustomStringConvertible {
        public enum PasswordSource: Sendable, Equatable {
            /// A file whose first line is the password (trailing newline dropped).
            case file(String)
            /// An environment variable.
            case environment(String)
        }

        public var username: String
        public var password: PasswordSource

        public init(username: String, password: PasswordSource) {
            self.username = username
            self.password = password
        }

        public var description: String {
            switch password {
            case .file(let path): "\(username) (password from file \(path))"
            case .environment(let name): "\(username) (password from $\(name))"
            }
        }
    }

    /// Where the `mailflow` probe looks for its message: the mailbox over IMAP,
    /// or the flow correlator of `mailsla tail` (the Postfix log shows it delivered).
    public enum MailflowConfirmation: Sendable, Equatable {
        case imap(IMAPMailbox)
        case logs
    }

    /// The mailbox the `mailflow` probe searches for its token.
    public struct IMAPMailbox: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var tls: TLSMode
        public var tlsVerify: Bool
        public var credentials: Credentials

        public init(host: String, port: Int, tls: TLSMode = .none, tlsVerify: Bool = true, credentials: Credentials) {
            self.host = host
            self.port = port
            self.tls = tls
            self.tlsVerify = tlsVerify
            self.credentials = credentials
        }
    }

    /// The message the `mailflow` probe sends and how it confirms arrival.
    public struct Mailflow: Sendable, Equatable {
        public var from: String
        public var to: String
        public var confirm: MailflowConfirmation
        /// Seconds between IMAP searches while waiting.
        public var pollMilliseconds: Int

        public init(from: String, to: String, confirm: MailflowConfirmation, pollMilliseconds: Int = 1000) {
            self.from = from
            self.to = to
            self.confirm = confirm
            self.pollMilliseconds = pollMilliseconds
        }
    }

    /// What an `http` probe asks for and expects.
    public struct HTTPCheck: Sendable, Equatable {
        public var path: String
        public var expectStatus: Int
        /// A text the body must contain; nil = any body.
        public var expectBody: String?

        public init(path: String = "/", expectStatus: Int = 200, expectBody: String? = nil) {
            self.path = path
            self.expectStatus = expectStatus
            self.expectBody = expectBody
        }
    }

    /// The service name results are reported under (`smtp-in`, `pop3`, … or any configured name).
    public var service: String
    public var kind: Kind
    public var host: String
    public var port: Int
    public var tls: TLSMode
    /// Check the server's certificate chain and name (default). Off only for self-signed test servers.
    public var tlsVerify: Bool
    public var credentials: Credentials?
    /// Seconds between tests; from `sla.services.NAME.interval` unless the target names its own.
    public var intervalSeconds: Int
    /// Milliseconds allowed for the TCP connection.
    public var connectTimeoutMilliseconds: Int
    /// Milliseconds allowed for the whole test (for `mailflow`: from sending until arrival is confirmed).
    public var timeoutMilliseconds: Int
    /// The name sent in EHLO.
    public var heloName: String
    public var http: HTTPCheck?
    public var mailflow: Mailflow?

    public init(service: String, kind: Kind, host: String, port: Int, tls: TLSMode = .none, tlsVerify: Bool = true,
                credentials: Credentials? = nil, intervalSeconds: Int = 300, connectTimeoutMilliseconds: Int = 5000,
                timeoutMilliseconds: Int = 10000, heloName: String = "mailsla-probe.localhost",
                http: HTTPCheck? = nil, mailflow: Mailflow? = nil) {
        self.service = service
        self.kind = kind
        self.host = host
        self.port = port
        self.tls = tls
        self.tlsVerify = tlsVerify
        self.credentials = credentials
        self.intervalSeconds = intervalSeconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.heloName = heloName
        self.http = http
        self.mailflow = mailflow
    }

    /// The usual port of a kind with a TLS mode (SMTP: 25, or 587 for `smtp-out`; POP3 110/995; IMAP 143/993).
    public static func defaultPort(service: String, kind: Kind, tls: TLSMode) -> Int {
        switch kind {
        case .smtp, .mailflow: tls == .implicit ? 465 : (service == "smtp-out" ? 587 : 25)
        case .pop3: tls == .implicit ? 995 : 110
        case .imap: tls == .implicit ? 993 : 143
        case .http: tls == .implicit ? 443 : 80
        }
    }
}
