import Foundation

/// The `imap` probe, and the mailbox half of `mailflow`: `* OK` greeting,
/// optional STARTTLS, optional LOGIN, NOOP, LOGOUT. With a search it selects
/// INBOX, looks for messages whose Message-ID header contains the token and,
/// when asked, deletes what it found so the probe mailbox stays small.
public struct IMAPConversation: ProbeConversation {
    private enum State: Sendable, Equatable {
        case greeting, startTLS, login, noop, select, search, store, expunge, logout, done
    }

    private let useStartTLS: Bool
    private let username: String?
    private let password: String?
    /// The text to search the Message-ID header for; nil = a plain NOOP probe.
    private let searchToken: String?
    private let deleteFound: Bool
    private var state = State.greeting
    private var tag = 0
    /// Sequence numbers of the messages the search found.
    public private(set) var found: [Int] = []

    public init(startTLS: Bool, username: String? = nil, password: String? = nil,
                searchToken: String? = nil, deleteFound: Bool = true) {
        useStartTLS = startTLS
        self.username = username
        self.password = password
        self.searchToken = searchToken
        self.deleteFound = deleteFound
    }

    public var closeEndsConversation: Bool { state == .logout || state == .done }

    public var waitingFor: String {
        switch state {
        case .greeting: "the * OK greeting"
        case .startTLS: "the reply to STARTTLS"
        case .login: "the reply to LOGIN"
        case .noop: "the reply to NOOP"
        case .select: "the reply to SELECT"
        case .search: "the reply to SEARCH"
        case .store, .expunge: "the reply to deleting the probe message"
        case .logout, .done: "the reply to LOGOUT"
        }
    }

    public mutating func receive(_ line: String) -> [ConversationStep] {
        if state == .greeting {
            if line.hasPrefix("* OK") || line.hasPrefix("* PREAUTH") {
                if useStartTLS { return command(.startTLS, "STARTTLS") }
                return login()
            }
            return [.failed(ProbeFailure(.protocol, "greeting is not * OK: '\(excerpt(line))'"))]
        }
        if line.hasPrefix("* ") || line.hasPrefix("+ ") || line == "+" {
            if state == .search, line.hasPrefix("* SEARCH") {
                found += line.split(separator: " ").dropFirst(2).compactMap { Int($0) }
            }
            if line.hasPrefix("* BYE"), state != .logout {
                return [.failed(ProbeFailure(.protocol, "server said BYE while waiting for \(waitingFor): '\(excerpt(line))'"))]
            }
            return []
        }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "a\(tag)" else {
            return [.failed(ProbeFailure(.protocol, "unexpected line while waiting for \(waitingFor): '\(excerpt(line))'"))]
        }
        let ok = parts[1].uppercased() == "OK"
        switch state {
        case .greeting, .done:
            return [.finished]
        case .startTLS:
            guard ok else { return [.failed(ProbeFailure(.tls, "STARTTLS refused: '\(excerpt(line))'"))] }
            return [.startTLS]
        case .login:
            guard ok else { return [.failed(ProbeFailure(.auth, "LOGIN refused: '\(excerpt(line))'"))] }
            if searchToken != nil { return command(.select, "SELECT INBOX") }
            return command(.noop, "NOOP")
        case .noop:
            guard ok else { return [.failed(ProbeFailure(.protocol, "NOOP refused: '\(excerpt(line))'"))] }
            return command(.logout, "LOGOUT")
        case .select:
            guard ok else { return [.failed(ProbeFailure(.protocol, "SELECT INBOX refused: '\(excerpt(line))'"))] }
            return command(.search, "SEARCH HEADER Message-ID \(quoted(searchToken!))")
        case .search:
            guard ok else { return [.failed(ProbeFailure(.protocol, "SEARCH refused: '\(excerpt(line))'"))] }
            if deleteFound, !found.isEmpty {
                return command(.store, "STORE \(found.map(String.init).joined(separator: ",")) +FLAGS.SILENT (\\Deleted)")
            }
            return command(.logout, "LOGOUT")
        case .store:
            guard ok else { return [.failed(ProbeFailure(.protocol, "STORE refused: '\(excerpt(line))'"))] }
            return command(.expunge, "EXPUNGE")
        case .expunge:
            guard ok else { return [.failed(ProbeFailure(.protocol, "EXPUNGE refused: '\(excerpt(line))'"))] }
            return command(.logout, "LOGOUT")
        case .logout:
            state = .done
            return [.finished]
        }
    }

    public mutating func tlsStarted() -> [ConversationStep] { login() }

    private mutating func login() -> [ConversationStep] {
        guard let username else { return command(.noop, "NOOP") }
        return command(.login, "LOGIN \(quoted(username)) \(quoted(password ?? ""))")
    }

    private mutating func command(_ next: State, _ text: String) -> [ConversationStep] {
        tag += 1
        state = next
        return [.send("a\(tag) \(text)")]
    }

    /// An IMAP quoted string (backslash and double quote escaped).
    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
