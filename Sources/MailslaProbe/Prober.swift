import Foundation
import Mailsla
import NIOCore
import NIOPosix

/// Runs one test of one target: the conversation of its kind over a fresh
/// connection, bounded by the target's time-outs, with the latency measured
/// and any failure classified. Never throws: a failure is a result.
public struct Prober: Sendable {
    private let group: any EventLoopGroup
    /// Where `mailflow` probes with `confirm: logs` learn about delivery; nil outside `mailsla tail`.
    public let tracker: MailflowProbeTracker?

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tracker: MailflowProbeTracker? = nil) {
        self.group = group
        self.tracker = tracker
    }

    /// One test; `time` (UTC microseconds) becomes the result's timestamp, the scheduled instant.
    /// Runs on an event-loop thread (`EventLoopTaskExecutor`), whatever the caller's executor.
    public func probe(_ target: ProbeTargetSettings, at time: Int64) async -> ProbeOutcome {
        await withTaskExecutorPreference(executor()) {
            await self.run(target, at: time)
        }
    }

    /// An executor on one of the group's event loops.
    func executor() -> EventLoopTaskExecutor { EventLoopTaskExecutor(group.next()) }

    private func run(_ target: ProbeTargetSettings, at time: Int64) async -> ProbeOutcome {
        let started = ContinuousClock.now
        do {
            let latency: Duration
            if target.kind == .mailflow {
                latency = try await MailflowProbe(target: target, group: group, tracker: tracker).run()
            } else {
                try await once(target)
                latency = ContinuousClock.now - started
            }
            return ProbeOutcome(service: target.service, time: time, latencyMs: Self.milliseconds(latency))
        } catch {
            let failure = ProbeFailure.classify(error, waitingFor: "the connection", timeoutMilliseconds: target.timeoutMilliseconds)
            return ProbeOutcome(service: target.service, time: time,
                               latencyMs: Self.milliseconds(ContinuousClock.now - started), failure: failure)
        }
    }

    /// The conversation of a non-mailflow target; throws its failure.
    private func once(_ target: ProbeTargetSettings) async throws {
        let password = try target.credentials?.resolvePassword()
        let user = target.credentials?.username
        let deadline = NIODeadline.now() + .milliseconds(Int64(target.timeoutMilliseconds))
        let endpoint = ProbeConnection.Endpoint(target)
        let startTLS = target.tls == .starttls
        switch target.kind {
        case .smtp:
            var c = SMTPConversation(heloName: target.heloName, startTLS: startTLS, username: user, password: password)
            try await converse(&c, endpoint, deadline, target.timeoutMilliseconds)
        case .pop3:
            var c = POP3Conversation(startTLS: startTLS, username: user, password: password)
            try await converse(&c, endpoint, deadline, target.timeoutMilliseconds)
        case .imap:
            var c = IMAPConversation(startTLS: startTLS, username: user, password: password)
            try await converse(&c, endpoint, deadline, target.timeoutMilliseconds)
        case .http:
            try await http(target, endpoint, deadline)
        case .mailflow:
            preconditionFailure("mailflow runs in MailflowProbe")
        }
    }

    /// Holds a line conversation on a new connection; a passed deadline names what was awaited.
    func converse<C: ProbeConversation>(_ conversation: inout C, _ endpoint: ProbeConnection.Endpoint,
                                        _ deadline: NIODeadline, _ timeoutMilliseconds: Int) async throws {
        do {
            try await ProbeConnection.with(endpoint, deadline: deadline, group: group) { connection in
                try await connection.converse(&conversation)
            }
        } catch {
            throw ProbeFailure.classify(error, waitingFor: conversation.waitingFor, timeoutMilliseconds: timeoutMilliseconds)
        }
    }

    private func http(_ target: ProbeTargetSettings, _ endpoint: ProbeConnection.Endpoint, _ deadline: NIODeadline) async throws {
        let check = target.http ?? ProbeTargetSettings.HTTPCheck()
        let request = HTTPResponse.request(host: target.host, port: target.port, tls: target.tls == .implicit, path: check.path)
        let bytes: [UInt8]
        do {
            bytes = try await ProbeConnection.with(endpoint, deadline: deadline, group: group) { connection in
                try await connection.send(bytes: request)
                return try await connection.readToEnd(limit: 1 << 20)
            }
        } catch {
            throw ProbeFailure.classify(error, waitingFor: "the HTTP response", timeoutMilliseconds: target.timeoutMilliseconds)
        }
        let response = try HTTPResponse(parsing: bytes)
        guard response.status == check.expectStatus else {
            throw ProbeFailure(.protocol, "HTTP status \(response.status), expected \(check.expectStatus)")
        }
        if let text = check.expectBody, !response.bodyContains(text) {
            throw ProbeFailure(.protocol, "the body does not contain the expected text")
        }
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

extension ProbeConnection.Endpoint {
    init(_ target: ProbeTargetSettings) {
        self.init(host: target.host, port: target.port, tls: target.tls, tlsVerify: target.tlsVerify,
                  connectTimeoutMilliseconds: target.connectTimeoutMilliseconds)
    }
}
