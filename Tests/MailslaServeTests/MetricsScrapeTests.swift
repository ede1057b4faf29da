import Foundation
import Mailsla
import MailslaCorpus
import MailslaSLA
import Testing
@testable import MailslaServe

/// A generated log run through a real pipeline, published and scraped over
/// HTTP: every figure on /metrics is the pipeline's own, and the scrape
/// passes promtool.
@Suite struct MetricsScrapeTests {
    /// Three days with a connection flood, a mail bomb and probe results with outages.
    static func scenario() throws -> (options: CorpusOptions, log: [UInt8], probes: ProbeData, policy: SLAPolicy) {
        var options = CorpusOptions(seed: 11, lines: 30_000, days: 3)
        options.scenarios = ScenarioOptions(attacks: [AttackSpec(kind: .connFlood), AttackSpec(kind: .mailbomb)],
                                            probes: ProbeOptions())
        let log = try CorpusWriter.generate(options).bytes
        let writer = try ProbeWriter(options: options)
        var reader = ProbeReader()
        reader.read(writer.bytes(format: .jsonLines), source: "probes.jsonl")
        let policy = try ConfigLoader.parse(writer.configYAML, path: "generated mailsla.yaml").sla
        return (options, log, reader.finish(), policy)
    }

    @Test func theScrapeShowsThePipelinesFigures() async throws {
        let (options, log, probes, policy) = try Self.scenario()
        let feed = LiveFeed(sources: ["/var/log/mail.log*", "journal"])
        await feed.feedAlternating(log)
        let now = Date(timeIntervalSince1970: Double(options.end) / 1e6 - 60)
        let page = StatusPage.render(pipeline: feed.pipeline, sources: ["/var/log/mail.log*", "journal"], probes: probes,
                                     policy: policy, timeZone: TimeZone(identifier: "UTC")!, timeZoneName: "UTC",
                                     now: now, elapsedSeconds: 3)
        let sla = try #require(page.sla)
        let services = LiveMetrics.serviceNames(policy)
        let board = StatusBoard(version: "test")
        board.publish(feed.metrics(sla: sla, services: services, checkpointAge: 1.5), html: page.html)
        let server = try await RunningServer.start(board: board)
        let text = try await server.request("GET", "/metrics").text
        let html = try await server.request("GET", "/").text
        try await server.stop()
        let s = try Exposition(text)

        let pipeline = feed.pipeline
        let counters = pipeline.counters
        let classifier = try #require(pipeline.classifier).counters
        let health = try #require(pipeline.correlator).health
        #expect(counters.lines > 30_000 && counters.malformed.total == 0)
        for source in feed.sources {
            #expect(s.value("mailsla_lines_read_total", ["source": source.name]) == Double(source.linesRead))
            #expect(source.linesRead > 10_000, "both sources got lines")
        }
        #expect(s.total("mailsla_lines_read_total") == Double(counters.lines))
        #expect(s.total("mailsla_lines_parsed_total") == Double(counters.parsed))
        #expect(s.total("mailsla_lines_unmatched_total") == Double(classifier.unmatched))
        #expect(s.total("mailsla_lines_malformed_total") == 0)
        #expect(s.value("mailsla_input_bytes_total") == Double(log.count))

        #expect(health.received > 1000)
        #expect(s.value("mailsla_messages_received_total") == Double(health.received))
        for status in LiveMetrics.messageStatuses {
            #expect(s.value("mailsla_messages_total", ["status": status.rawValue]) == Double(health[status]), "\(status)")
        }
        #expect(s.value("mailsla_messages_total", ["status": "rejected"]) == nil, "a reject is not a message")
        #expect(health.rejected > 0 && s.total("mailsla_rejects_total") == Double(health.rejected))
        for (reason, n) in health.rejectedByReason {
            #expect(s.value("mailsla_rejects_total", ["reason": reason]) == Double(n), "\(reason)")
        }
        #expect(s.value("mailsla_filter_verdicts_total", ["verdict": "spam"]) == Double(health.spam))
        #expect(s.value("mailsla_messages_open") == Double(pipeline.correlator!.openMessages))

        let latency = health.latency
        #expect(latency.totalCount > 1000)
        #expect(s.value("mailsla_delivery_latency_seconds_count") == Double(latency.totalCount))
        #expect(s.value("mailsla_delivery_latency_seconds_bucket", ["le": "+Inf"]) == Double(latency.totalCount))
        // Below 2 s the source histogram is exact to the millisecond, so these buckets are exact.
        for bound in [0.1, 0.25, 0.5, 1.0] {
            let exact = latency.count(within: 0...UInt64(bound * 1000))
            #expect(s.value("mailsla_delivery_latency_seconds_bucket", ["le": "\(bound)"]) == Double(exact), "le=\(bound)")
        }
        let sum = try #require(s.value("mailsla_delivery_latency_seconds_sum"))
        let expected = latency.mean * Double(latency.totalCount) / 1000
        #expect(abs(sum - expected) <= expected * 0.002, "sum \(sum) against \(expected)")
        #expect(s.value("mailsla_filter_round_trip_seconds_count") == Double(health.filterRoundTrip.totalCount))

        let episodes = try #require(pipeline.detectors).result.episodes
        #expect(!episodes.isEmpty)
        for kind in EpisodeKind.allCases {
            let total = episodes.filter { $0.kind == kind }.count
            let open = episodes.filter { $0.kind == kind && $0.closedBy == "still open" }.count
            #expect(s.value("mailsla_episodes_total", ["kind": kind.rawValue]) == Double(total), "\(kind)")
            #expect(s.value("mailsla_episodes_active", ["kind": kind.rawValue]) == Double(open), "\(kind)")
        }

        #expect(sla.services.contains { !$0.incidents.isEmpty }, "the scenario has outages")
        for service in sla.services {
            #expect(s.value("mailsla_availability_ratio", ["service": service.name]) == service.availability, "\(service.name)")
            #expect(s.value("mailsla_incidents_total", ["service": service.name]) == Double(service.incidents.count))
        }
        #expect(s.value("mailsla_server_availability_ratio") == sla.sla.availability)
        #expect(s.value("mailsla_sla_budget_left_seconds") == sla.sla.budgetLeftMinutes * 60)
        #expect(s.value("mailsla_checkpoint_age_seconds") == 1.5)
        #expect(s.value("mailsla_build_info", ["version": "test"]) == 1)

        #expect(html == page.html && html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("data-key=\"sla.availability\""), "the report's verdict is on the page")
    }

    @Test func promtoolAcceptsTheScrape() async throws {
        let (options, log, probes, policy) = try Self.scenario()
        let feed = LiveFeed(sources: ["/var/log/mail.log", "journal"])
        await feed.feedAlternating(log)
        let page = StatusPage.render(pipeline: feed.pipeline, sources: [], probes: probes, policy: policy,
                                     timeZone: TimeZone(identifier: "UTC")!, timeZoneName: "UTC",
                                     now: Date(timeIntervalSince1970: Double(options.end) / 1e6 - 60), elapsedSeconds: 1)
        var metrics = feed.metrics(sla: page.sla, services: LiveMetrics.serviceNames(policy), checkpointAge: 0.25)
        metrics.sources[0].lagSeconds = 0.5
        let board = StatusBoard(version: "0.1.0 (test)")
        board.publish(metrics, html: page.html)
        let server = try await RunningServer.start(board: board)
        _ = try await server.request("POST", "/probes", body: Data("not a probe line\n".utf8))
        let text = try await server.request("GET", "/metrics").text
        try await server.stop()
        let (status, output) = try promtool(text)
        #expect(status == 0, "promtool check metrics: \(output)")
        #expect(output.isEmpty, "promtool found problems: \(output)")
        // Every family has a TYPE and HELP line, and names follow the conventions.
        let s = try Exposition(text)
        for (name, type) in s.types {
            #expect(name.hasPrefix("mailsla_"))
            #expect((type == "counter") == name.hasSuffix("_total"), "\(name) is a \(type)")
            #expect(text.contains("# HELP \(name) "), "\(name) has no HELP")
        }
        #expect(s.types.count >= 30)
    }
}
