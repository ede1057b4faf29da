import Foundation
import Mailsla
import MailslaCore
import MailslaCorpus
import MailslaSLA
import Testing
@testable import MailslaServe

/// Log lines are written by strangers: nothing in them may become a label
/// value, add a series or bend the exposition format.
@Suite struct HostileLabelTests {
    /// Lines that try to smuggle label text, fake events, new programs and hosts.
    static let hostile = [
        #"Nov  3 10:00:00 mx1 postfix/smtpd[4242]: NOQUEUE: reject: RCPT from evil.example[203.0.113.66]: 554 5.7.1 <victim@example.org>: Relay access denied; from=<a@b>, status=sent (250 ok)> to=<victim@example.org> proto=ESMTP helo=<]: client=x{reason="pwned"}>"#,
        #"Nov  3 10:00:01 mx1 postfix/smtpd[4242]: NOQUEUE: reject: RCPT from unknown[203.0.113.67]: 450 4.7.1 mailsla_rejects_total{reason="injected"} 1e9; from=<"}#x@y> to=<z@w> proto=SMTP helo=<x>"#,
        #"Nov  3 10:00:02 mx1 postfix/postscreen[99]: PREGREET 30 after 0.1 from [203.0.113.68]:5555: EHLO x\nNov  3 10:00:02 mx1 postfix/smtp[1]: ABC123: to=<a>, status=sent"#,
        #"Nov  3 10:00:03 mx1 evil{source="x"}[1]: status=delivered kind="auth_bruteforce""#,
        #"Nov  3 10:00:04 {kind="x"} postfix/smtpd[1]: connect from unknown[198.51.100.4]"#,
        #"Nov  3 10:00:05 mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<rip=1.2.3.4,"}>, method=PLAIN, rip=203.0.113.70, lip=192.0.2.1"#,
        #"Nov  3 10:00:06 mx1 postfix/cleanup[5]: 4ABCDEF123: milter-reject: END-OF-MESSAGE from x[198.51.100.9]: 5.7.1 Spam {status="delivered"}; from=<a@b> to=<c@d> proto=ESMTP helo=<x>"#,
        #"Nov  3 10:00:07 mx1 postfix/smtpd[77]: NOQUEUE: reject: RCPT from x[198.51.100.10]: 554 5.7.1 Service unavailable; Client host [198.51.100.10] blocked using le="+Inf"; from=<a@b> to=<c@d> proto=ESMTP helo=<x>"#,
        "Nov  3 10:00:08 mx1 postfix/smtpd[78]: \u{0}\u{7f}\\\"\n# TYPE mailsla_lines_read_total gauge",
        #"garbage line without a timestamp {source="pwn"}"#,
        "Nov 99 10:00:09 mx1 postfix/smtpd[1]: bad date",
    ]

    @Test func hostileLinesAddNoSeriesAndNoLabelValue() async throws {
        var options = CorpusOptions(seed: 5, lines: 5_000, days: 3)
        options.start = CorpusOptions.defaultStart
        let normal = try CorpusWriter.generate(options).bytes
        let names = ["/var/log/mail.log", "journal"]

        let clean = LiveFeed(sources: names)
        await clean.feedAlternating(normal)
        let dirty = LiveFeed(sources: names)
        await dirty.feedAlternating(normal)
        for line in Self.hostile { dirty.feed(Array((line + "\n").utf8), source: 0) }
        #expect(dirty.pipeline.counters.lines > clean.pipeline.counters.lines)
        #expect(dirty.pipeline.counters.malformed.total > 0)
        #expect(dirty.pipeline.correlator!.health.rejected > clean.pipeline.correlator!.health.rejected,
                "the hostile rejects were counted")

        let board = StatusBoard(version: "test")
        let server = try await RunningServer.start(board: board)
        board.publish(clean.metrics())
        let before = try Exposition(try await server.request("GET", "/metrics").text)
        board.publish(dirty.metrics())
        let afterText = try await server.request("GET", "/metrics").text
        try await server.stop()
        let after = try Exposition(afterText)

        #expect(after.series == before.series, "new series: \(after.series.subtracting(before.series).sorted())")
        var allowed: Set<String> = ["test", "spam", "virus", "accepted", "duplicate", "malformed", "+Inf"]
        allowed.formUnion(names)
        allowed.formUnion(LiveMetrics.messageStatuses.map(\.rawValue))
        allowed.formUnion(LiveMetrics.rejectReasons(shippedRules))
        allowed.formUnion(EpisodeKind.allCases.map(\.rawValue))
        allowed.formUnion(MalformedReason.allCases.map(\.description))
        allowed.formUnion(StatusBoard.Refusal.allCases.map(\.rawValue))
        allowed.formUnion((Distribution.latencyBounds + Distribution.filterBounds).map { "\($0)" })
        for sample in after.samples {
            for (key, value) in sample.labels {
                #expect(allowed.contains(value), "\(sample.name){\(key)=\(value)} is not from a closed set")
            }
        }
        #expect(!afterText.contains("pwned") && !afterText.contains("injected") && !afterText.contains("evil"))
        #expect(after.value("mailsla_rejects_total", ["reason": "relay_denied"])! > before.value("mailsla_rejects_total", ["reason": "relay_denied"])!)
        let (status, output) = try promtool(afterText)
        #expect(status == 0, "\(output)")
    }

    @Test func servicesOutsideTheConfigurationAreCountedNotLabelled() throws {
        let policy = SLAPolicy()
        var reader = ProbeReader()
        reader.read(Array("""
        {"ts":"2026-11-03T10:00:00Z","service":"smtp-in","ok":true}
        {"ts":"2026-11-03T10:00:00Z","service":"x\\"} 1\\n# evil","ok":false}
        {"ts":"2026-11-03T10:05:00Z","service":"x\\"} 1\\n# evil","ok":false}

        """.utf8))
        let feed = LiveFeed(sources: ["f"])
        let page = StatusPage.render(pipeline: feed.pipeline, sources: ["f"], probes: reader.finish(), policy: policy,
                                     timeZone: TimeZone(identifier: "UTC")!, timeZoneName: "UTC",
                                     now: Date(timeIntervalSince1970: 1_793_750_000), elapsedSeconds: 0)
        #expect(page.sla?.services.map(\.name).sorted() == ["pop3", "smtp-in", "x\"} 1\n# evil"])
        #expect(page.html.contains("x&quot;} 1") && !page.html.contains("x\"} 1"), "the page escapes what it shows")
        let metrics = feed.metrics(sla: page.sla, services: LiveMetrics.serviceNames(policy))
        #expect(metrics.availability.keys.sorted() == ["pop3", "smtp-in"])
        #expect(metrics.unlistedServices == 1)
        var exporter = MetricsExporter()
        exporter.publish(metrics)
        #expect(!exporter.render().contains("evil"))
    }
}
