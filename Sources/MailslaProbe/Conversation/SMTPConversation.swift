import Foundation

/// The SMTP side of `smtp-in`, `smtp-out` and the sending half of `mailflow`:
/// 220 greeting, EHLO, optional STARTTLS (then EHLO again), optional AUTH
/// (PLAIN, or LOGIN when only that is offered), optional one message, QUIT.
public struct SMTPConversation: ProbeConversation {
    /// A message to hand over after the greeting and any AUTH.
    public struct Message: Sendable, Equatable {
        public var from: String
        public var to: String
        /// Header and body lines, without line endings; dot-stuffed when sent.
        public var lines: [String]

        public init(from: String, to: String, lines: [String]) {
            self.from = from
            self.to = to
            self.lines = lines
        }
    }

    private enum State: Sendable, Equatable {
        case greeting, ehlo, startTLS, authPlain, authLoginUser, authLoginPassword, authLoginDone
        case mailFrom, rcptTo, data, body, quit, done
    }

    private let heloName: String
    private let useStartTLS: Bool
    private let username: String?
    private let password: String?
    private let message: Message?
    private var state = State.greeting
    private var tlsDone = false
    /// Lines of a multi-line reply seen so far.
    private var replyLines: [String] = []
    public private(set) var capabilities: Set<String> = []
    /// The queue ID from the server's reply to the end of DATA (`250 2.0.0 Ok: queued as 4Xyz`).
    public private(set) var queueID: String?

    public init(heloName: String, startTLS: Bool, username: String? = nil, password: String? = nil, message: Message? = nil) {
        self.heloName = heloName
        useStartTLS = startTLS
        self.username = username
        self.password = password
        self.message = message
    }

    public var closeEndsConversation: Bool { state == .quit || state == .done }

    public var waitingFor: String {
        switch state {
        case .greeting: "the 220 greeting"
        case .ehlo: "the reply to EHLO"
        case .startTLS: "the reply to STARTTLS"
        case .authPlain, .authLoginUser, .authLoginPassword, .authLoginDone: "the reply to AUTH"
        case .mailFrom: "the reply to MAIL FROM"
        case .rcptTo: "the reply to RCPT TO"
        case .data: "the reply to DATA"
        case .body: "the reply to the end of the message"
        case .quit, .done: "the reply to QUIT"
        }
    }

    public mutating func receive(_ line: String) -> [ConversationStep] {
        guard line.utf8.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
            return [fail(.protocol, "not an SMTP reply while waiting for \(waitingFor): '\(excerpt(line))'")]
        }
        let separator = line.utf8.count > 3 ? line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: 3)] : UInt8(ascii: " ")
        replyLines.append(line.count > 4 ? String(line.dropFirst(4)) : "")
        if separator == UInt8(ascii: "-") { return [] }  // more lines of the same reply follow
        let text = replyLines
        replyLines = []
        return reply(code, text, last: line)
    }

    public mutating func tlsStarted() -> [ConversationStep] {
        tlsDone = true
        state = .ehlo
        return [.send("EHLO \(heloName)")]
    }

    private mutating func reply(_ code: Int, _ text: [String], last: String) -> [ConversationStep] {
        if code == 421 { return [fail(.protocol, "server closing: '\(excerpt(last))'")] }
        switch state {
        case .greeting:
            guard code == 220 else { return [fail(.protocol, "greeting is not 220: '\(excerpt(last))'")] }
            state = .ehlo
            return [.send("EHLO \(heloName)")]
        case .ehlo:
            guard code == 250 else { return [fail(.protocol, "EHLO refused: '\(excerpt(last))'")] }
            capabilities = Set(text.dropFirst().map { $0.uppercased() })
            if useStartTLS && !tlsDone {
                guard capabilities.contains(where: { $0 == "STARTTLS" }) else {
                    return [fail(.tls, "the server does not offer STARTTLS")]
                }
                state = .startTLS
                return [.send("STARTTLS")]
            }
            return authenticateOrSend()
        case .startTLS:
            guard code == 220 else { return [fail(.tls, "STARTTLS refused: '\(excerpt(last))'")] }
            return [.startTLS]
        case .authPlain, .authLoginDone:
            guard code == 235 else { return [authFailure(last)] }
            return sendMessageOrQuit()
        case .authLoginUser:
            guard code == 334 else { return [authFailure(last)] }
            state = .authLoginPassword
            return [.send(Data((username ?? "").utf8).base64EncodedString())]
        case .authLoginPassword:
            guard code == 334 else { return [authFailure(last)] }
            state = .authLoginDone
            return [.send(Data((password ?? "").utf8).base64EncodedString())]
        case .mailFrom:
            guard code == 250 else { return [fail(.protocol, "MAIL FROM refused: '\(excerpt(last))'")] }
            state = .rcptTo
            return [.send("RCPT TO:<\(message!.to)>")]
        case .rcptTo:
            guard code == 250 || code == 251 else { return [fail(.protocol, "RCPT TO refused: '\(excerpt(last))'")] }
            state = .data
            return [.send("DATA")]
        case .data:
            guard code == 354 else { return [fail(.protocol, "DATA refused: '\(excerpt(last))'")] }
            state = .body
            return message!.lines.map { .send($0.hasPrefix(".") ? "." + $0 : $0) } + [.send(".")]
        case .body:
            guard code == 250 else { return [fail(.protocol, "message refused: '\(excerpt(last))'")] }
            if let range = last.range(of: "queued as ") {
                queueID = String(last[range.upperBound...].prefix { $0.isLetter || $0.isNumber })
            }
            state = .quit
            return [.send("QUIT")]
        case .quit:
            state = .done
            return [.finished]
        case .done:
            return [.finished]
        }
    }

    /// AUTH when credentials are set (PLAIN preferred, LOGIN when only that is offered), else the message or QUIT.
    private mutating func authenticateOrSend() -> [ConversationStep] {
        guard let username, let password else { return sendMessageOrQuit() }
        let mechanisms = Set(capabilities.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }
            .flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) })
        if mechanisms.contains("PLAIN") {
            state = .authPlain
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            return [.send("AUTH PLAIN \(token)")]
        }
        if mechanisms.contains("LOGIN") {
            state = .authLoginUser
            return [.send("AUTH LOGIN")]
        }
        if mechanisms.isEmpty {
            return [fail(.auth, "the server offers no AUTH" + (tlsDone ? "" : " (some servers offer it only after STARTTLS)"))]
        }
        return [fail(.auth, "the server offers neither PLAIN nor LOGIN (\(mechanisms.sorted().joined(separator: " ")))")]
    }

    private mutating func sendMessageOrQuit() -> [ConversationStep] {
        guard let message else {
            state = .quit
            return [.send("QUIT")]
        }
        state = .mailFrom
        return [.send("MAIL FROM:<\(message.from)>")]
    }

    private func authFailure(_ last: String) -> ConversationStep {
        // 535 (bad credentials) and 5xx/4xx answers to AUTH are the server's verdict on the login.
        .failed(ProbeFailure(.auth, "AUTH refused: '\(excerpt(last))'"))
    }

    private func fail(_ errorClass: ProbeErrorClass, _ detail: String) -> ConversationStep {
        .failed(ProbeFailure(errorClass, detail))
    }
}
