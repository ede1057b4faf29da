import Mailsla
import Synchronization

/// Lets the `mailflow` probe confirm delivery from the logs `mailsla tail`
/// already follows: the probe registers its message's Message-ID before
/// sending, the engine hands every batch of finished `MessageRecord`s to
/// `observe`, and the probe picks up the match. Only registered ids are kept
/// (one per mail-flow test in flight), so the engine pays one lock and an
/// empty-table check per batch when no probe waits. The token lives only here
/// and in the message; it never becomes a metric label.
public final class MailflowProbeTracker: Sendable {
    /// What the flow correlator saw of the probe message.
    public struct Arrival: Sendable, Equatable {
        /// The message's final state (`delivered`, `bounced`, …).
        public var status: MessageStatus
        /// Event time of the last delivery (or of the end of the message), UTC microseconds.
        public var time: Int64
    }

    private let waiting = Mutex<[String: Arrival?]>([:])

    public init() {}

    /// Message-IDs registered and not yet collected.
    public var pending: Int { waiting.withLock { $0.count } }

    /// Registers a Message-ID (without angle brackets) before the message is sent.
    func expect(_ messageID: String) {
        waiting.withLock { table in
            if table[messageID] == nil { table[messageID] = .some(nil) }
        }
    }

    /// Drops a Message-ID whose message was never sent (the SMTP conversation failed).
    func forget(_ messageID: String) {
        _ = waiting.withLock { $0.removeValue(forKey: messageID) }
    }

    /// Hands finished messages to waiting probes; cheap when none waits. Call it from the engine
    /// with every batch the pipeline's message sink receives.
    public func observe(_ records: [MessageRecord]) {
        waiting.withLock { table in
            guard !table.isEmpty else { return }
            for record in records {
                guard let id = record.messageID, let entry = table[id], entry == nil else { continue }
                let delivered = record.recipients.flatMap(\.attempts).filter { $0.status == "sent" }.map(\.time).max()
                table[id] = Arrival(status: record.status, time: delivered ?? record.finished ?? record.received)
            }
        }
    }

    /// Waits until the message was seen or `deadline` passed, then forgets the id either way.
    func arrival(of messageID: String, until deadline: ContinuousClock.Instant, poll: Duration = .milliseconds(100)) async -> Arrival? {
        defer { _ = waiting.withLock { $0.removeValue(forKey: messageID) } }
        while true {
            if let found = waiting.withLock({ $0[messageID] ?? nil }) { return found }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return nil }
            try? await Task.sleep(for: poll)
        }
    }
}
