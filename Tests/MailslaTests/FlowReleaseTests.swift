import Foundation
import MailslaCore
import Testing
@testable import Mailsla

/// `Pipeline.releaseFinishedMessages(asOf:)`: a live source's finished messages
/// go out once their grace period has passed by the given time, not only at the
/// correlator's sweep every 4,096 events, and each exactly once.
@Suite struct FlowReleaseTests {
    @Test func aFinishedMessageIsReleasedWhenItsGraceHasPassedAndOnlyOnce() throws {
        let lines = [  // built
            "Nov  3 10:00:01 mx1 postfix/smtpd[1]: 4ABCDEF123: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 mx1 postfix/qmgr[2]: 4ABCDEF123: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:02 mx1 postfix/local[3]: 4ABCDEF123: to=<u@mx1.example.com>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  3 10:00:02 mx1 postfix/qmgr[2]: 4ABCDEF123: removed",
        ]
        final class Collector: @unchecked Sendable { var records: [MessageRecord] = [] }
        let collector = Collector()
        let symbols = SymbolTable()
        let pipeline = Pipeline(symbols: symbols, rules: shippedRules, messageSink: { collector.records += $0 })
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var framer = LineFramer()
        var batch = RecordBatch()
        var malformed = MalformedCounts()
        let text = lines.joined(separator: "\n") + "\n"
        for framed in text.utf8.withContiguousStorageIfAvailable({ framer.append(UnsafeRawBufferPointer($0)) }) ?? [] {
            parser.parse(framed, into: &batch, malformed: &malformed)
            try pipeline.process(batch)
        }
        let done = Int64(try #require(ISO8601DateFormatter().date(from: "2026-11-03T10:00:02Z")).timeIntervalSince1970) * 1_000_000
        let grace = FlowSettings().graceSeconds * 1_000_000
        #expect(collector.records.isEmpty, "four events: no periodic sweep yet")
        try pipeline.releaseFinishedMessages(asOf: done + grace - 1)
        #expect(collector.records.isEmpty, "still within its grace period")
        try pipeline.releaseFinishedMessages(asOf: done + grace)
        #expect(collector.records.map(\.queueIDs) == [["4ABCDEF123"]])
        #expect(collector.records.first?.status == .delivered)
        try pipeline.releaseFinishedMessages(asOf: done + 10 * grace)
        _ = try pipeline.finish()
        #expect(collector.records.count == 1, "released once, not again at the end")
        #expect(pipeline.correlator!.health.received == 1)
    }
}
