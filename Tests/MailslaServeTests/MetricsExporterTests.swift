import Foundation
import Mailsla
import Testing
@testable import MailslaServe

/// Counters follow the pipeline's totals across publishes without ever going back.
@Suite struct MetricsExporterTests {
    /// Every counter series of a scrape with its value (histogram buckets, sums and counts included).
    static func counters(_ text: String) throws -> [String: Double] {
        let s = try Exposition(text)
        let histograms = Set(s.types.filter { $0.value == "histogram" }.keys)
        var out: [String: Double] = [:]
        for sample in s.samples {
            let family = ["_bucket", "_sum", "_count"].reduce(sample.name) { name, suffix in
                name.hasSuffix(suffix) && histograms.contains(String(name.dropLast(suffix.count))) ? String(name.dropLast(suffix.count)) : name
            }
            if s.types[family] == "counter" || histograms.contains(family) { out[sample.series] = sample.value }
        }
        return out
    }

    @Test func countersNeverDecreaseWhileAPipelineRunsAndScrapesGoOn() async throws {
        let (_, log, _, _) = try MetricsScrapeTests.scenario()
        let feed = LiveFeed(sources: ["a", "b"])
        let server = try await RunningServer.start()
        var previous: [String: Double] = [:]
        var scrapes = 0, grew = 0
        await #expect(throws: Never.self) {
            try await feed.feedAlternating(Array(log.prefix(1 << 20)), chunk: 1 << 17) {
                server.board.publish(feed.metrics())
                let now = try Self.counters(try await server.request("GET", "/metrics").text)
                for (series, value) in previous {
                    let current = try #require(now[series], "\(series) disappeared")
                    #expect(current >= value, "\(series) went from \(value) to \(current)")
                }
                if now.contains(where: { $0.value > (previous[$0.key] ?? 0) }) { grew += 1 }
                previous = now
                scrapes += 1
            }
        }
        try await server.stop()
        #expect(scrapes >= 8 && grew == scrapes, "every publish of new lines moved some counter")
    }

    @Test func aTotalThatFallsBecomesTheNewBase() throws {
        var exporter = MetricsExporter()
        var m = LiveMetrics(version: "t", sources: [SourceStatus(name: "f")])
        m.sources[0].linesRead = 100
        m.received = 40
        exporter.publish(m)
        // The source started over (say a new engine without its state): its total fell to 10.
        m.sources[0].linesRead = 10
        m.received = 40
        exporter.publish(m)
        let afterFall = try Exposition(exporter.render())
        m.sources[0].linesRead = 25
        m.received = 45
        exporter.publish(m)
        let later = try Exposition(exporter.render())
        #expect(afterFall.value("mailsla_lines_read_total", ["source": "f"]) == 100)
        #expect(later.value("mailsla_lines_read_total", ["source": "f"]) == 115, "moves on by 15 from the new base of 10")
        #expect(later.value("mailsla_messages_received_total") == 45)
    }

    @Test func theFirstPublishAfterARestartResumesTheRestoredTotals() throws {
        var m = LiveMetrics(version: "t", sources: [SourceStatus(name: "f")])
        m.sources[0].linesRead = 1_000_000
        m.episodesTotal["conn_flood"] = 3
        var exporter = MetricsExporter()
        exporter.publish(m)
        let s = try Exposition(exporter.render())
        #expect(s.value("mailsla_lines_read_total", ["source": "f"]) == 1_000_000)
        #expect(s.value("mailsla_episodes_total", ["kind": "conn_flood"]) == 3)
    }

    @Test func histogramBucketsFollowTheDistribution() throws {
        var d = Distribution(bounds: [1, 10])
        var h = FlowHealth().latency
        for ms: UInt64 in [200, 900, 1000, 5000, 20000] { _ = h.record(ms) }
        d.read(h)
        #expect(d.counts == [3, 1, 1])
        var m = LiveMetrics(version: "t")
        m.latency = Distribution(bounds: Distribution.latencyBounds)
        m.latency.read(h)
        var exporter = MetricsExporter()
        exporter.publish(m)
        for ms: UInt64 in [100, 100] { _ = h.record(ms) }
        m.latency.read(h)
        exporter.publish(m)
        let s = try Exposition(exporter.render())
        #expect(s.value("mailsla_delivery_latency_seconds_count") == 7)
        #expect(s.value("mailsla_delivery_latency_seconds_bucket", ["le": "0.1"]) == 2)
        #expect(s.value("mailsla_delivery_latency_seconds_bucket", ["le": "1.0"]) == 5)
        #expect(s.value("mailsla_delivery_latency_seconds_bucket", ["le": "10.0"]) == 6)
        let sum = try #require(s.value("mailsla_delivery_latency_seconds_sum"))
        #expect(abs(sum - 27.3) < 0.05, "sum \(sum)")
    }
}
