/// What a line-based probe conversation asks its connection to do next.
/// The conversations are synchronous state machines (testable without a
/// socket); `ProbeConnection.run` carries their steps out.
public enum ConversationStep: Sendable, Equatable {
    /// Send one command line (CRLF is added).
    case send(String)
    /// Start TLS on the connection now, then call `tlsStarted()`.
    case startTLS
    /// The test passed; the connection may be closed.
    case finished
    /// The test failed.
    case failed(ProbeFailure)
}

/// A line-based exchange (SMTP, POP3, IMAP): fed every line the server sends,
/// it answers with the steps to take. When a batch of steps ends without
/// `finished` or `failed`, the connection reads the next line.
public protocol ProbeConversation: Sendable {
    /// Steps before the server has said anything (usually none: wait for the greeting).
    mutating func start() -> [ConversationStep]
    /// One line from the server, without its line ending.
    mutating func receive(_ line: String) -> [ConversationStep]
    /// TLS is up after a `startTLS` step.
    mutating func tlsStarted() -> [ConversationStep]
    /// Whether the server closing the connection now counts as the normal end (after QUIT or LOGOUT).
    var closeEndsConversation: Bool { get }
    /// What the conversation waits for, in words for a time-out message ("the greeting", "the reply to EHLO").
    var waitingFor: String { get }
}

extension ProbeConversation {
    public mutating func start() -> [ConversationStep] { [] }
}

/// The printable head of a server line for an error message: bounded, no control bytes.
func excerpt(_ line: String) -> String {
    let cleaned = String(line.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    return cleaned.count > 120 ? String(cleaned.prefix(120)) + "…" : cleaned
}
