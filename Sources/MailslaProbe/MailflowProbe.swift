import Foundation
import Mailsla
import NIOCore

/// The `mailflow` test: sends a message carrying a unique token (in its
/// Message-ID and Subject) through SMTP, then waits until it arrived, by
/// searching the mailbox over IMAP or from the flow correlator of
/// `mailsla tail` (`MailflowProbeTracker`), within the target's time-out.
/// The latency is from the start of sending to arrival: the IMAP search that
/// found it, or the delivery's own log time.
struct MailflowProbe {
    let target: ProbeTargetSettings
    let group: any EventLoopGroup
    let tracker: MailflowProbeTracker?

    /// The end-to-end latency; throws the failure.
    func run() async throws -> Duration {
        guard let flow = target.mailflow else { throw ProbeFailure(.protocol, "mailflow target without from/to") }
        let token = Self.makeToken()
        let domain = flow.from.split(separator: "@").last.map(String.init) ?? "mailsla.invalid"
        let messageID = "\(token)@\(domain)"
        let started = ContinuousClock.now
        let startedWall = Self.wallMicros()
        let deadline = started + .milliseconds(target.timeoutMilliseconds)
        if case .logs = flow.confirm {
            guard let tracker else {
                throw ProbeFailure(.protocol, "confirm: logs needs the flow correlator of mailsla tail (use confirm: imap here)")
            }
            tracker.expect(messageID)
        }
        let message = SMTPConversation.Message(from: flow.from, to: flow.to,
                                               lines: Self.messageLines(flow, token: token, messageID: messageID))
        var smtp = SMTPConversation(heloName: target.heloName, startTLS: target.tls == .starttls,
                                    username: target.credentials?.username,
                                    password: try target.credentials?.resolvePassword(), message: message)
        let prober = Prober(group: group, tracker: tracker)
        do {
            try await prober.converse(&smtp, ProbeConnection.Endpoint(target), NIODeadline.now() + .milliseconds(Int64(target.timeoutMilliseconds)),
                                      target.timeoutMilliseconds)
        } catch {
            // The message never left: nobody will wait for it, so the tracker must not keep it
            // (every failed probe of a server that is down would stay there for good).
            tracker?.forget(messageID)
            throw error
        }
        switch flow.confirm {
        case .logs:
            guard let arrival = await tracker!.arrival(of: messageID, until: deadline) else {
                throw ProbeFailure(.timeout, "the probe message was not seen delivered in the logs within "
                    + ProbeFailure.seconds(target.timeoutMilliseconds))
            }
            guard arrival.status == .delivered else {
                throw ProbeFailure(.protocol, "the probe message ended \(arrival.status.rawValue), not delivered")
            }
            return .microseconds(max(0, arrival.time - startedWall))
        case .imap(let mailbox):
            return try await searchMailbox(mailbox, token: token, started: started, deadline: deadline, poll: flow.pollMilliseconds)
        }
    }

    /// Searches the mailbox until the message is there or the deadline passes; deletes what it found.
    private func searchMailbox(_ mailbox: ProbeTargetSettings.IMAPMailbox, token: String, started: ContinuousClock.Instant,
                               deadline: ContinuousClock.Instant, poll: Int) async throws -> Duration {
        let password = try mailbox.credentials.resolvePassword()
        let endpoint = ProbeConnection.Endpoint(host: mailbox.host, port: mailbox.port, tls: mailbox.tls,
                                                tlsVerify: mailbox.tlsVerify,
                                                connectTimeoutMilliseconds: target.connectTimeoutMilliseconds)
        let prober = Prober(group: group)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw ProbeFailure(.timeout, "the probe message did not arrive in the mailbox within "
                    + ProbeFailure.seconds(target.timeoutMilliseconds))
            }
            var imap = IMAPConversation(startTLS: mailbox.tls == .starttls, username: mailbox.credentials.username,
                                        password: password, searchToken: token)
            let leftMs = Int(Prober.milliseconds(left).rounded(.up))
            do {
                try await prober.converse(&imap, endpoint, NIODeadline.now() + .milliseconds(Int64(leftMs)), leftMs)
            } catch let failure as ProbeFailure {
                throw ProbeFailure(failure.errorClass, "imap: \(failure.detail)")
            }
            if !imap.found.isEmpty { return ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(poll))
        }
    }

    /// Headers and a one-line body. The token is in the Message-ID and the Subject, nowhere else.
    static func messageLines(_ flow: ProbeTargetSettings.Mailflow, token: String, messageID: String) -> [String] {
        [
            "From: <\(flow.from)>",
            "To: <\(flow.to)>",
            "Subject: mailsla mailflow probe \(token)",
            "Message-ID: <\(messageID)>",
            "Date: \(rfc5322Date())",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "Auto-Submitted: auto-generated",
            "",
            "This message tests the mail flow for mailsla; it may be deleted.",
        ]
    }

    /// `mailsla-` and 24 random hex digits: unique per test, never reused.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let parts = [UInt64](repeating: 0, count: 2).map { _ in generator.next() }
        let hex = parts.map { String($0, radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
        return "mailsla-" + hex.prefix(24)
    }

    static func wallMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    private static func rfc5322Date() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date())
    }
}
