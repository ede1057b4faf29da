import Foundation
import Mailsla
import MailslaSLA
import NIOConcurrencyHelpers
import Testing

@testable import MailslaProbe

/// What the prober writes is what the SLA side reads, and the scheduler keeps its grid.
@Suite struct ProbeOutputTests {
    @Test func writtenResultsReadBackIdentically() {
        let results = [
            ProbeOutcome(service: "smtp-in", time: 1_764_000_000_000_000, latencyMs: 41.25),
            ProbeOutcome(service: "pop3", time: 1_764_000_000_123_456, latencyMs: 1234.5678901,
                        failure: ProbeFailure(.refused, "connection refused by 127.0.0.1 port 110")),
            ProbeOutcome(service: "imap", time: 1_764_000_005_000_000, latencyMs: 0.0004,
                        failure: ProbeFailure(.protocol, "greeting is not * OK: 'quote \" and back\\slash \u{1}'")),
            ProbeOutcome(service: "mailflow", time: 1_764_000_010_000_000, latencyMs: 3.1),
        ]
        var writer = ProbeLineWriter()
        let bytes = writer.lines(results)
        var reader = ProbeReader()
        reader.read(bytes, source: "probes.jsonl", format: .jsonLines)
        let data = reader.finish()
        #expect(data.counts.accepted == 4)
        #expect(data.counts.malformedTotal == 0)
        for result in results {
            #expect(data.series[result.service]?.tests == [result.test], "\(result.service)")
        }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(
            #"{"ts":"2025-11-24T16:00:00Z","service":"smtp-in","ok":true,"latency_ms":41.25,"error":""}"#))
    }

    @Test func theGridIsWholeMultiplesOfTheInterval() {
        #expect(ProbeScheduler.nextTick(after: 1_000_000_000_000, intervalSeconds: 300) == 1_000_200_000_000)
        #expect(ProbeScheduler.nextTick(after: 299_999_999, intervalSeconds: 300) == 300_000_000)
        #expect(ProbeScheduler.nextTick(after: 300_000_000, intervalSeconds: 300) == 600_000_000)
    }

    @Test func schedulerGivesOneResultPerServicePerInterval() async throws {
        let pop = try await LineServer(greeting: "+OK") { _, _ in .lines(["+OK"]) }
        let refused = try await LineServer.closedPort()
        let targets = [
            ProbeTargetSettings(service: "pop3", kind: .pop3, host: "127.0.0.1", port: pop.port, intervalSeconds: 1),
            ProbeTargetSettings(service: "imap", kind: .imap, host: "127.0.0.1", port: refused, intervalSeconds: 1),
        ]
        let collected = NIOLockedValueBox<[ProbeOutcome]>([])
        let scheduler = ProbeScheduler(targets: targets) { result in collected.withLockedValue { $0.append(result) } }
        let task = Task { await scheduler.run() }
        // Wait for three results per service with a deadline. The ticks wait and run on an event-loop thread,
        // so CPU-bound tests holding the cooperative pool do not delay them (ProbeSchedulerTests); they can
        // delay this wait, which then sees more results, never fewer.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let counts = collected.withLockedValue { r in ["pop3", "imap"].map { s in r.filter { $0.service == s }.count } }
            if counts.allSatisfy({ $0 >= 3 }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        task.cancel()
        await task.value
        await pop.stop()
        let results = collected.withLockedValue { $0 }
        for service in ["pop3", "imap"] {
            let times = results.filter { $0.service == service }.map(\.test.time).sorted()
            // At least three before the deadline.
            #expect(times.count >= 3, "\(service): \(times.count) results")
            let onGrid = times.allSatisfy { $0 % 1_000_000 == 0 }
            let oneSecondApart = zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 1_000_000 }
            #expect(onGrid)
            #expect(oneSecondApart)
        }
        let popOK = results.filter { $0.service == "pop3" }.allSatisfy(\.ok)
        let imapRefused = results.filter { $0.service == "imap" }.allSatisfy { $0.errorClass == .refused }
        #expect(popOK)
        #expect(imapRefused)
    }
}
