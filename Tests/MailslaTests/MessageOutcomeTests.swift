import Testing
import MailslaCore
import MailslaCorpus
@testable import Mailsla

/// A pipeline without a message sink makes no `MessageRecord`, only each message's
/// `MessageOutcome`: its counters must be exactly those a pipeline writing records keeps.
@Suite struct MessageOutcomeTests {
    @Test func countersWithoutRecordsAreTheCountersWithRecords() throws {
        // Three generated days (filter hops, spam and virus verdicts, bounces, deferrals, notices) and a lost message.
        let (bytes, _) = try CorpusWriter.generate(CorpusOptions(seed: 11, lines: 60_000, days: 3, format: .rfc3339))
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        lines += [
            "2026-11-04T11:01:00+00:00 mx1 postfix/smtpd[1]: 2A00000001: client=a.example.net[198.51.100.1]",
            "2026-11-04T11:01:01+00:00 mx1 postfix/qmgr[2]: 2A00000001: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "2026-11-04T11:01:02+00:00 mx1 postfix/smtp[3]: 2A00000001: to=<u@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok, id=1-01)",
            "2026-11-04T11:01:02+00:00 mx1 postfix/qmgr[2]: 2A00000001: removed",
        ]
        let (records, withRecords) = runPipeline(lines)
        let (none, withoutRecords) = runPipeline(lines, records: false)
        #expect(none.isEmpty)
        #expect(records.count > 3_000)
        #expect(records.contains { $0.status == .lost } && records.contains { $0.status == .spam })
        #expect(records.contains { $0.latencySeconds != nil } && records.contains { $0.isNotice })
        let a = withRecords.correlator!.health, b = withoutRecords.correlator!.health
        #expect(a.received > 0 && a.counts == b.counts && a.received == b.received && a.ndn == b.ndn)
        #expect(a.spam == b.spam && a.virus == b.virus && a.deferredOnce == b.deferredOnce)
        #expect(a.latency.totalCount > 0 && a.latency.totalCount == b.latency.totalCount && a.latency.mean == b.latency.mean)
        #expect(a.filterRoundTrip.totalCount == b.filterRoundTrip.totalCount && a.filterRoundTrip.mean == b.filterRoundTrip.mean)
        #expect(a.series.all.map(\.received) == b.series.all.map(\.received))
        #expect(a.series.all.map(\.delivered) == b.series.all.map(\.delivered))
        #expect(a.series.all.map(\.bounced) == b.series.all.map(\.bounced))
        let tests = withRecords.mailflow!.tests()
        #expect(tests.contains { $0.error.contains("lost in filter") })
        #expect(tests.map(\.time) == withoutRecords.mailflow!.tests().map(\.time))
        #expect(tests.map(\.error) == withoutRecords.mailflow!.tests().map(\.error))
        // Everything stored (the health, the series, the mail-flow buckets) byte for byte.
        #expect(withRecords.snapshot() == withoutRecords.snapshot())
    }
}
