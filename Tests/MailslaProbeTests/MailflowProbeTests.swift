import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import Mailsla
@testable import MailslaProbe

/// The mail-flow test end to end against a scripted SMTP server, confirmed by the
/// tracker (as `mailsla tail` feeds it) or by an IMAP search.
@Suite struct MailflowProbeTests {
    /// An SMTP server that accepts one message and remembers its lines.
    static func smtpServer() async throws -> LineServer {
        try await LineServer(greeting: "220 mx.test ESMTP") { line, _ in
            switch line {
            case let l where l.hasPrefix("EHLO"): .lines(["250-mx.test", "250 8BITMIME"])
            case let l where l.hasPrefix("MAIL FROM"), let l where l.hasPrefix("RCPT TO"): .lines(["250 2.1.0 Ok"])
            case "DATA": .lines(["354 End data with <CR><LF>.<CR><LF>"])
            case ".": .lines(["250 2.0.0 Ok: queued as 4QXyZ12ab"])
            case "QUIT": .lines(["221 2.0.0 Bye"])
            default: .none
            }
        }
    }

    static func target(port: Int, confirm: ProbeTargetSettings.MailflowConfirmation, timeoutMs: Int = 5000) -> ProbeTargetSettings {
        var t = ProbeTargetSettings(service: "mailflow", kind: .mailflow, host: "127.0.0.1", port: port,
                                    timeoutMilliseconds: timeoutMs)
        t.mailflow = .init(from: "probe@example.test", to: "inbox@example.test", confirm: confirm, pollMilliseconds: 100)
        return t
    }

    /// The Message-ID the probe sent, without angle brackets, once the server has it.
    static func sentMessageID(_ server: LineServer) async throws -> String {
        for _ in 0..<6000 {
            if let header = server.lines.first(where: { $0.hasPrefix("Message-ID: <") }) {
                return String(header.dropFirst("Message-ID: <".count).dropLast())
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProbeFailure(.timeout, "the probe never sent its message")
    }

    static func record(messageID: String, status: MessageStatus, deliveredAt: Int64) -> MessageRecord {
        MessageRecord(
            host: "mx", isNotice: false, direction: "inbound", queueIDs: ["4QXyZ12ab", "4QXyZ99cd"], messageID: messageID,
            sender: "probe@example.test", size: 400, client: nil, received: deliveredAt - 300_000, filter: nil,
            recipients: [.init(address: "inbox@example.test", status: status == .delivered ? "delivered" : "bounced",
                               attempts: [.init(time: deliveredAt, status: status == .delivered ? "sent" : "bounced",
                                                relay: "dovecot", dsn: "2.0.0", delaySeconds: 0.3)])],
            status: status, finished: deliveredAt, parent: nil, countsAsReceived: true, latencySeconds: 0.3)
    }

    @Test func confirmedFromTheLogsWithTheDeliveryTimeAsLatency() async throws {
        let server = try await Self.smtpServer()
        defer { Task { await server.stop() } }
        let tracker = MailflowProbeTracker()
        let prober = Prober(tracker: tracker)
        let sent = MailflowProbe.wallMicros()
        // A generous time-out: the test's own task may wait for the shared pool while the probe runs.
        async let result = prober.probe(Self.target(port: server.port, confirm: .logs, timeoutMs: 120_000), at: 7_000_000)
        let id = try await Self.sentMessageID(server)
        #expect(id.hasPrefix("mailsla-") && id.hasSuffix("@example.test"))
        #expect(server.lines.contains { $0.hasPrefix("Subject: mailsla mailflow probe mailsla-") && $0.hasSuffix(String(id.prefix(32))) })
        tracker.observe([Self.record(messageID: "other@x", status: .delivered, deliveredAt: sent)])
        #expect(tracker.pending == 1)
        let now = MailflowProbe.wallMicros()
        tracker.observe([Self.record(messageID: id, status: .delivered, deliveredAt: now + 1_500_000)])
        let r = await result
        #expect(r.ok, "\(r.test.error)")
        #expect(r.test.time == 7_000_000)
        // From the start of sending to the delivery's log time: 1.5 s after now, the probe began between `sent` and now.
        let latest = 1500 + Double(now - sent) / 1000
        #expect((1500...latest).contains(r.test.latencyMs ?? 0), "\(r.test.latencyMs ?? -1) not in 1500...\(latest)")
        #expect(tracker.pending == 0)
        #expect(server.lines.contains("RCPT TO:<inbox@example.test>"))
    }

    /// A probe whose SMTP conversation fails leaves nothing in the tracker: found when a slow
    /// (ASan) run timed out waiting for the greeting and the id stayed pending for good.
    @Test func aFailedConversationLeavesNothingPending() async throws {
        let tracker = MailflowProbeTracker()
        let refused = await Prober(tracker: tracker).probe(Self.target(port: try await LineServer.closedPort(), confirm: .logs), at: 0)
        #expect(refused.errorClass == .refused)
        #expect(tracker.pending == 0)
    }

    @Test func notSeenInTimeIsTimeoutAndBouncedIsProtocol() async throws {
        let server = try await Self.smtpServer()
        defer { Task { await server.stop() } }
        let tracker = MailflowProbeTracker()
        let prober = Prober(tracker: tracker)
        // One budget covers the conversation and the wait for the logs. On a loaded machine the
        // conversation alone has used 600 ms (CI), so the budget doubles until it is the logs'
        // wait that runs out.
        let notSeen = "timeout: the probe message was not seen delivered in the logs within "
        var budget = 600
        var lost = await prober.probe(Self.target(port: server.port, confirm: .logs, timeoutMs: budget), at: 0)
        while !lost.test.error.hasPrefix(notSeen), lost.errorClass == .timeout, budget < 40_000 {
            budget *= 2
            lost = await prober.probe(Self.target(port: server.port, confirm: .logs, timeoutMs: budget), at: 0)
        }
        #expect(lost.errorClass == .timeout)
        #expect(lost.test.error == notSeen + ProbeFailure.seconds(budget))
        #expect(tracker.pending == 0)
        let sentBefore = server.lines.filter { $0.hasPrefix("Message-ID: <") }.count

        async let bounced = prober.probe(Self.target(port: server.port, confirm: .logs, timeoutMs: 120_000), at: 0)
        var id = ""
        for _ in 0..<6000 where id.isEmpty {
            let ids = server.lines.filter { $0.hasPrefix("Message-ID: <") }
            if ids.count == sentBefore + 1 { id = String(ids[sentBefore].dropFirst("Message-ID: <".count).dropLast()) }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!id.isEmpty)
        tracker.observe([Self.record(messageID: id, status: .bounced, deliveredAt: MailflowProbe.wallMicros())])
        let b = await bounced
        #expect(b.errorClass == .protocol)
        #expect(b.test.error == "protocol: the probe message ended bounced, not delivered")
        #expect(!b.test.error.contains("mailsla-"))
    }

    @Test func logsConfirmationOutsideTailSaysSo() async throws {
        let server = try await Self.smtpServer()
        defer { Task { await server.stop() } }
        let r = await Prober().probe(Self.target(port: server.port, confirm: .logs), at: 0)
        #expect(r.errorClass == .protocol)
        #expect(r.test.error.contains("mailsla tail"))
        #expect(server.lines.isEmpty)
    }

    @Test func confirmedByIMAPSearchThenDeleted() async throws {
        let smtp = try await Self.smtpServer()
        let searches = LockedCounter()
        let imap = try await LineServer(greeting: "* OK ready") { line, _ in
            let tag = imapTag(line)
            if line.contains(" SEARCH HEADER Message-ID ") {
                return .lines([searches.next() < 2 ? "* SEARCH" : "* SEARCH 4 7", tag + " OK Search completed"])
            }
            if line.hasSuffix("LOGOUT") { return .lines(["* BYE", tag + " OK"]) }
            return .lines([tag + " OK"])
        }
        setenv("MAILSLA_PROBE_TEST_IMAP", "pw", 1)
        let mailbox = ProbeTargetSettings.IMAPMailbox(
            host: "127.0.0.1", port: imap.port, credentials: .init(username: "inbox", password: .environment("MAILSLA_PROBE_TEST_IMAP")))
        // The budget is generous: it only bounds a failure, and a loaded or sanitized run needs
        // seconds for the conversation before the three searches (5 s failed under ASan at load 10).
        let r = await Prober().probe(Self.target(port: smtp.port, confirm: .imap(mailbox), timeoutMs: 60_000), at: 0)
        #expect(r.ok, "\(r.test.error)")
        let id = try await Self.sentMessageID(smtp)
        let token = String(id.prefix { $0 != "@" })
        #expect(imap.lines.filter { $0.hasSuffix("SEARCH HEADER Message-ID \"\(token)\"") }.count == 3)
        #expect(imap.lines.suffix(3).map { String($0.drop { $0 != " " }.dropFirst()) }
            == ["STORE 4,7 +FLAGS.SILENT (\\Deleted)", "EXPUNGE", "LOGOUT"])
        await smtp.stop()
        await imap.stop()
    }

    @Test func tokensAreUniqueAndCarryNoLabelMaterial() {
        let tokens = Set((0..<1000).map { _ in MailflowProbe.makeToken() })
        #expect(tokens.count == 1000)
        #expect(tokens.allSatisfy { $0.count == 32 && $0.hasPrefix("mailsla-") })
    }
}

final class LockedCounter: Sendable {
    private let box = NIOLockedValueBox(0)
    func next() -> Int { box.withLockedValue { v in defer { v += 1 }; return v } }
}
