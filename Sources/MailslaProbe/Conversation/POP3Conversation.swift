/// The `pop3` probe: `+OK` greeting, optional STLS, optional USER/PASS and
/// STAT, QUIT. Without credentials STAT is skipped (it needs a login).
public struct POP3Conversation: ProbeConversation {
    private enum State: Sendable, Equatable { case greeting, stls, user, pass, stat, quit, done }

    private let useSTLS: Bool
    private let username: String?
    private let password: String?
    private var state = State.greeting
    /// Messages and octets from STAT.
    public private(set) var mailbox: (messages: Int, octets: Int)?

    public init(startTLS: Bool, username: String? = nil, password: String? = nil) {
        useSTLS = startTLS
        self.username = username
        self.password = password
    }

    public var closeEndsConversation: Bool { state == .quit || state == .done }

    public var waitingFor: String {
        switch state {
        case .greeting: "the +OK greeting"
        case .stls: "the reply to STLS"
        case .user: "the reply to USER"
        case .pass: "the reply to PASS"
        case .stat: "the reply to STAT"
        case .quit, .done: "the reply to QUIT"
        }
    }

    public mutating func receive(_ line: String) -> [ConversationStep] {
        let ok = line.hasPrefix("+OK")
        guard ok || line.hasPrefix("-ERR") else {
            return [.failed(ProbeFailure(.protocol, "not a POP3 reply while waiting for \(waitingFor): '\(excerpt(line))'"))]
        }
        switch state {
        case .greeting:
            guard ok else { return [.failed(ProbeFailure(.protocol, "greeting is not +OK: '\(excerpt(line))'"))] }
            if useSTLS {
                state = .stls
                return [.send("STLS")]
            }
            return login()
        case .stls:
            guard ok else { return [.failed(ProbeFailure(.tls, "STLS refused: '\(excerpt(line))'"))] }
            return [.startTLS]
        case .user:
            guard ok else { return [.failed(ProbeFailure(.auth, "USER refused: '\(excerpt(line))'"))] }
            state = .pass
            return [.send("PASS \(password ?? "")")]
        case .pass:
            guard ok else { return [.failed(ProbeFailure(.auth, "PASS refused: '\(excerpt(line))'"))] }
            state = .stat
            return [.send("STAT")]
        case .stat:
            let parts = line.split(separator: " ")
            guard ok, parts.count >= 3, let messages = Int(parts[1]), let octets = Int(parts[2]) else {
                return [.failed(ProbeFailure(.protocol, "bad STAT reply: '\(excerpt(line))'"))]
            }
            mailbox = (messages, octets)
            state = .quit
            return [.send("QUIT")]
        case .quit, .done:
            state = .done
            return [.finished]
        }
    }

    public mutating func tlsStarted() -> [ConversationStep] { login() }

    private mutating func login() -> [ConversationStep] {
        guard let username else {
            state = .quit
            return [.send("QUIT")]
        }
        state = .user
        return [.send("USER \(username)")]
    }
}
