import Testing
@testable import MailslaSLA

@Suite struct ProbeReaderTests {
    @Test func jsonLinesWithOffsetsFractionsAndNulls() {
        let data = read("""
            {"ts": "2026-11-01T00:05:00Z", "service": "smtp-in", "ok": true, "latency_ms": 41, "error": ""}
            {"ts": "2026-11-01T01:10:00.5+01:00", "service": "smtp-in", "ok": false, "latency_ms": null, "error": "timeout"}
            {"ts": "2026-11-01T00:15:00Z", "service": "webmail-eu", "ok": true}

            """)
        #expect(data.counts.accepted == 3)
        #expect(data.counts.lines == 3)
        #expect(data.counts.malformedTotal == 0)
        let smtp = data.series["smtp-in"]!.tests
        #expect(smtp == [ProbeTest(time: t("2026-11-01T00:05:00Z"), ok: true, latencyMs: 41),
                         ProbeTest(time: t("2026-11-01T00:10:00Z") + 500_000, ok: false, error: "timeout")])
        #expect(data.unknownServices == ["webmail-eu"])
    }

    @Test func jsonMalformedLinesAreCountedWithReasonAndLine() {
        let text = """
            \u{FEFF}{"ts": "2026-11-01T00:00:00Z", "service": "pop3", "ok": true}
            not json
            {"ts": "2026-11-01T00:05:00", "service": "pop3", "ok": true}
            {"service": "pop3", "ok": true}
            {"ts": "2026-11-01T00:05:00Z", "service": "  ", "ok": true}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3"}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3", "ok": "yes"}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3", "ok": 1}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3", "ok": true, "latency_ms": -3}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3", "ok": true, "latency_ms": "41"}
            {"ts": "2026-11-01T00:05:00Z", "service": "pop3", "ok": true, "error": 7}
            ["2026-11-01T00:05:00Z", "pop3", true]
            {"ts": 1793491500, "service": "pop3", "ok": true}
            {"ts": "2026-11-01T00:10:00Z", "service": "pop3", "ok": false}\r
            """
        let data = read(text)
        let expected: [ProbeLineProblem] = [.invalidJSON, .badTimestamp, .missingTimestamp, .missingService, .missingOK,
                                            .badOK, .badOK, .badLatency, .badLatency, .badError, .invalidJSON, .badTimestamp]
        #expect(data.notices == expected.enumerated().map {
            ProbeNotice(source: "probes", line: $0.offset + 2, kind: .malformed($0.element))
        })
        #expect(data.counts.malformedTotal == 12)
        #expect(data.counts.malformed[.badOK] == 2)
        #expect(data.counts.accepted == 2)
        #expect(data.series["pop3"]!.tests.map(\.ok) == [true, false])
    }

    @Test func jsonDuplicatesKeepTheFirstAndOutOfOrderIsSortedAndCounted() {
        let data = read("""
            {"ts": "2026-11-01T00:00:00Z", "service": "imap", "ok": true}
            {"ts": "2026-11-01T00:10:00Z", "service": "imap", "ok": false}
            {"ts": "2026-11-01T00:05:00Z", "service": "imap", "ok": false}
            {"ts": "2026-11-01T01:10:00+01:00", "service": "imap", "ok": true}
            {"ts": "2026-11-01T00:05:00Z", "service": "imap", "ok": false}
            {"ts": "2026-11-01T00:05:00Z", "service": "http", "ok": true}
            {"ts": "2026-11-01T00:00:00Z", "service": "http", "ok": true}
            """)
        let imap = data.series["imap"]!
        #expect(imap.tests.map(\.time) == [t("2026-11-01T00:00:00Z"), t("2026-11-01T00:05:00Z"), t("2026-11-01T00:10:00Z")])
        #expect(imap.tests.map(\.ok) == [true, false, false])
        #expect(imap.duplicates == 2)
        #expect(imap.conflictingDuplicates == 1)
        #expect(imap.outOfOrder == 1)
        #expect(data.series["http"]!.outOfOrder == 1)
        #expect(data.counts.duplicates == 2)
        #expect(data.counts.conflictingDuplicates == 1)
        #expect(data.counts.outOfOrder == 2)
        #expect(data.notices == [
            ProbeNotice(source: "probes", line: 3, kind: .outOfOrder(service: "imap")),
            ProbeNotice(source: "probes", line: 4, kind: .duplicate(service: "imap", conflicting: true)),
            ProbeNotice(source: "probes", line: 5, kind: .duplicate(service: "imap", conflicting: false)),
            ProbeNotice(source: "probes", line: 7, kind: .outOfOrder(service: "http")),
        ])
        #expect(data.counts.lines == data.counts.accepted + data.counts.duplicates + data.counts.malformedTotal)
    }

    @Test func csvWithHeaderQuotingAndProblems() {
        let text = #"""
            ts,service,ok,latency_ms,error
            2026-11-01T00:00:00Z,smtp-in,true,41,
            2026-11-01T00:05:00Z,smtp-in,false,,"connect: refused, retrying"
            2026-11-01T00:10:00Z,smtp-in,0,,"said ""no"""
            2026-11-01T00:15:00Z,smtp-in,1,12.5,

            2026-11-01T00:20:00Z,smtp-in,maybe,,
            2026-11-01T00:20:00Z,smtp-in,true
            2026-11-01T00:20:00Z,smtp-in,true,,"open
            2026-11-01T00:20:00,smtp-in,true,,
            ,smtp-in,true,,
            2026-11-01T00:20:00Z,,true,,
            2026-11-01T00:20:00Z,smtp-in,,,
            2026-11-01T00:20:00Z,smtp-in,true,fast,
            2026-11-01T00:10:00Z,smtp-in,true,,
            2026-11-01T00:00:00Z,smtp-in,true,,
            """#
        let data = read(text)
        let tests = data.series["smtp-in"]!.tests
        #expect(tests.count == 4)
        #expect(tests[0] == ProbeTest(time: t("2026-11-01T00:00:00Z"), ok: true, latencyMs: 41))
        #expect(tests[1].error == "connect: refused, retrying")
        #expect(tests[2] == ProbeTest(time: t("2026-11-01T00:10:00Z"), ok: false, error: "said \"no\""))
        #expect(tests[3].latencyMs == 12.5)
        #expect(data.counts.headers == 1)
        #expect(data.counts.blankLines == 1)
        let malformed = data.notices.compactMap { n -> (Int, ProbeLineProblem)? in
            if case .malformed(let p) = n.kind { return (n.line, p) }
            return nil
        }
        #expect(malformed.map(\.0) == [7, 8, 9, 10, 11, 12, 13, 14])
        #expect(malformed.map(\.1) == [.badOK, .columnCount, .badQuoting, .badTimestamp, .missingTimestamp,
                                       .missingService, .missingOK, .badLatency])
        // Line 15 repeats 00:10 with another result; line 16 repeats 00:00 with the same.
        #expect(data.series["smtp-in"]!.duplicates == 2)
        #expect(data.series["smtp-in"]!.conflictingDuplicates == 1)
        #expect(data.counts.lines == data.counts.accepted + data.counts.headers + data.counts.duplicates
                + data.counts.malformedTotal)
    }

    @Test func csvColumnsInAnyOrderAndOutOfOrderRows() {
        let data = read("OK, Service, TS\ntrue,pop3,2026-11-01T00:10:00Z\nfalse,pop3,2026-11-01T00:05:00Z\n", format: .csv)
        #expect(data.series["pop3"]!.tests.map(\.ok) == [false, true])
        #expect(data.series["pop3"]!.outOfOrder == 1)
    }

    @Test func csvWithoutHeaderCountsEveryLine() {
        let data = read("2026-11-01T00:00:00Z,smtp-in,true,41,\n2026-11-01T00:05:00Z,smtp-in,true,41,\n")
        #expect(data.counts.malformed[.missingHeader] == 2)
        #expect(data.series.isEmpty)
    }

    @Test func sourcesAreReadInOrderWithTheirOwnFormatAndNames() {
        var reader = ProbeReader()
        reader.read(Array("ts,service,ok\n2026-11-01T00:05:00Z,pop3,true\n".utf8), source: "a.csv")
        reader.read(Array("{\"ts\": \"2026-11-01T00:00:00Z\", \"service\": \"pop3\", \"ok\": false}\nbad\n".utf8), source: "b.jsonl")
        let data = reader.finish()
        #expect(data.series["pop3"]!.tests.map(\.ok) == [false, true])
        #expect(data.notices == [ProbeNotice(source: "b.jsonl", line: 1, kind: .outOfOrder(service: "pop3")),
                                 ProbeNotice(source: "b.jsonl", line: 2, kind: .malformed(.invalidJSON))])
    }

    @Test func noticesAreBoundedButAllCounted() {
        let data = read(String(repeating: "{oops\n", count: 250))
        #expect(data.counts.malformed[.invalidJSON] == 250)
        #expect(data.notices.count == ProbeReader.noticeLimit)
    }
}
