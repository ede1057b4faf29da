import Foundation
import Testing
@testable import MailslaSLA

@Suite struct IncidentTests {
    let start = "2026-11-01T00:00:00Z"

    func smtp(_ pattern: String, policy: SLAPolicy = SLAPolicy()) -> ServiceAvailability {
        evaluate([series("smtp-in", from: start, pattern)], policy: policy).service("smtp-in")!
    }

    @Test func exactlyTwoFailuresAreOneIntervalOfDowntime() {
        let s = smtp("++--++")
        #expect(s.incidents.count == 1)
        #expect(s.incidents[0].span == span("2026-11-01T00:10:00Z", "2026-11-01T00:15:00Z"))
        #expect(s.incidents[0].failedTests == 2)
        #expect(s.incidents[0].downtimeMinutes == 5)
        #expect(s.downtimeMinutes == 5)
        #expect(s.tests == 6)
        #expect(s.failedTests == 2)
        #expect(s.availability == 1 - 5.0 / 43_200)
        #expect(s.rawAvailability == s.availability)
    }

    @Test func exactlyOneFailureIsNoDowntime() {
        let s = smtp("++-++")
        #expect(s.incidents.isEmpty)
        #expect(s.failedTests == 1)
        #expect(s.downtimeMinutes == 0)
    }

    @Test func failuresSeparatedByOneSuccess() {
        #expect(smtp("-+-").incidents.isEmpty)
        #expect(smtp("-+-").failedTests == 2)
        let two = smtp("--+--")
        #expect(two.incidents.map(\.span) == [span("2026-11-01T00:00:00Z", "2026-11-01T00:05:00Z"),
                                             span("2026-11-01T00:15:00Z", "2026-11-01T00:20:00Z")])
        #expect(two.downtimeMinutes == 10)
        let one = smtp("--+-")
        #expect(one.incidents.count == 1)
        #expect(one.downtimeMinutes == 5)
    }

    @Test func thresholdThree() {
        var policy = SLAPolicy()
        policy.services["smtp-in"] = ServicePolicy(failureThreshold: 3)
        let s = smtp("--+---+--", policy: policy)
        #expect(s.incidents.count == 1)
        #expect(s.incidents[0].span == span("2026-11-01T00:15:00Z", "2026-11-01T00:25:00Z"))
        #expect(s.incidents[0].failedTests == 3)
        #expect(s.downtimeMinutes == 10)
        #expect(s.failedTests == 7)
    }

    @Test func otherIntervalsScaleTheDowntime() {
        var policy = SLAPolicy()
        policy.services["smtp-in"] = ServicePolicy(intervalSeconds: 60)
        let s = evaluate([series("smtp-in", from: start, every: 60, "+----+")], policy: policy).service("smtp-in")!
        #expect(s.downtimeMinutes == 3)
        #expect(s.noData.count == 1)  // data stops after six minutes: the rest of November
    }

    @Test func aRunAcrossTheMonthBoundaryIsSplitAtIt() {
        let data = [series("smtp-in", from: "2026-10-31T23:45:00Z", "+----+")]
        let october = evaluate(data, period: .month(year: 2026, month: 10, in: utc)).service("smtp-in")!
        let november = evaluate(data).service("smtp-in")!
        #expect(october.incidents.count == 1)
        #expect(october.incidents[0].span == span("2026-10-31T23:50:00Z", "2026-11-01T00:00:00Z"))
        #expect(october.incidents[0].failedTests == 2)
        #expect(october.incidents[0].endsAfterPeriod)
        #expect(!october.incidents[0].startsBeforePeriod)
        #expect(november.incidents[0].span == span("2026-11-01T00:00:00Z", "2026-11-01T00:05:00Z"))
        #expect(november.incidents[0].failedTests == 2)
        #expect(november.incidents[0].startsBeforePeriod)
        #expect(november.incidents[0].run == span("2026-10-31T23:50:00Z", "2026-11-01T00:05:00Z"))
        #expect(october.downtimeMinutes + november.downtimeMinutes == 15)
        #expect(october.downtimeMinutes == 10)
    }

    @Test func aRunEndingExactlyAtTheBoundaryLeavesItsLastTestToTheNextMonth() {
        let data = [series("smtp-in", from: "2026-10-31T23:50:00Z", "---+")]
        let october = evaluate(data, period: .month(year: 2026, month: 10, in: utc)).service("smtp-in")!
        let november = evaluate(data).service("smtp-in")!
        #expect(october.incidents[0].downtimeMinutes == 10)
        #expect(october.incidents[0].failedTests == 2)
        #expect(november.incidents.count == 1)
        #expect(november.incidents[0].downtimeMinutes == 0)
        #expect(november.incidents[0].failedTests == 1)
    }

    @Test func aRunAcrossSpringForwardIsMeasuredInRealMinutes() {
        // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST. Five failures 5 real minutes apart.
        let lines = ["2026-03-29T01:45:00+01:00 true", "2026-03-29T01:50:00+01:00 false", "2026-03-29T01:55:00+01:00 false",
                     "2026-03-29T03:00:00+02:00 false", "2026-03-29T03:05:00+02:00 false", "2026-03-29T03:10:00+02:00 false",
                     "2026-03-29T03:15:00+02:00 true"]
            .map { $0.split(separator: " ") }
            .map { "{\"ts\": \"\($0[0])\", \"service\": \"smtp-in\", \"ok\": \($0[1])}" }
        let policy = SLAPolicy(timeZone: berlin)
        let march = SLAPeriod.month(year: 2026, month: 3, in: berlin)
        let result = SLAEngine(policy: policy).evaluate(read(lines.joined(separator: "\n")), period: march)
        let s = result.service("smtp-in")!
        #expect(s.incidents.count == 1)
        #expect(s.incidents[0].span == span("2026-03-29T00:50:00Z", "2026-03-29T01:10:00Z"))
        #expect(s.downtimeMinutes == 20)
        #expect(s.availability == 1 - 20.0 / 44_580)
    }

    @Test func aRunAcrossFallBackIsMeasuredInRealMinutes() {
        // Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:50 CEST to 02:10 CET is 20 minutes.
        let text = ["2026-10-25T02:50:00+02:00", "2026-10-25T02:55:00+02:00", "2026-10-25T02:00:00+01:00",
                    "2026-10-25T02:05:00+01:00", "2026-10-25T02:10:00+01:00"]
            .map { "{\"ts\": \"\($0)\", \"service\": \"pop3\", \"ok\": false}" }.joined(separator: "\n")
        let data = read(text)
        #expect(data.counts.outOfOrder == 0)
        let october = SLAPeriod.month(year: 2026, month: 10, in: berlin)
        let s = SLAEngine(policy: SLAPolicy(timeZone: berlin)).evaluate(data, period: october).service("pop3")!
        #expect(s.downtimeMinutes == 20)
        #expect(s.availability == 1 - 20.0 / 44_700)
    }

    @Test func noDataGapsAreReportedNeverUpOrDown() {
        var policy = SLAPolicy()
        policy.serverMembers = ["smtp-in"]
        let period = SLAPeriod(span: span("2026-11-01T00:00:00Z", "2026-11-01T03:00:00Z"), timeZone: utc)
        // 00:20 first test (20 min lead gap); one missing test at 00:35 (10 min, not a gap);
        // 00:50–01:05 missing (gap 00:45–01:10); a failure on each side of a gap 01:30–01:55;
        // last test 02:45 (15 min trailing gap).
        let pattern = "...." + "+++" + "." + "++" + "...." + "++++" + "-" + "...." + "-" + "+" * 10 + ".."
        #expect(pattern.count == 36)
        let s = evaluate([series("smtp-in", from: start, pattern)], policy: policy, period: period).service("smtp-in")!
        #expect(s.noData == [span("2026-11-01T00:00:00Z", "2026-11-01T00:20:00Z"),
                             span("2026-11-01T00:45:00Z", "2026-11-01T01:10:00Z"),
                             span("2026-11-01T01:30:00Z", "2026-11-01T01:55:00Z"),
                             span("2026-11-01T02:45:00Z", "2026-11-01T03:00:00Z")])
        #expect(s.noDataMinutes == 20 + 25 + 25 + 15)
        #expect(s.incidents.isEmpty)
        #expect(s.failedTests == 2)
        #expect(s.availability == 1)
        let none = evaluate([], policy: policy, period: period).service("smtp-in")!
        #expect(none.tests == 0)
        #expect(none.noData == [period.span])
        #expect(none.availability == 1)
    }

    @Test func gapsAtThePeriodEdgeLookAtTestsBeyondIt() {
        var policy = SLAPolicy()
        policy.serverMembers = ["smtp-in"]
        let period = SLAPeriod(span: span("2026-11-01T01:00:00Z", "2026-11-01T02:00:00Z"), timeZone: utc)
        // Tests at 00:50 and 01:05: the gap begins before the period and is cut to it.
        let s = evaluate([series("smtp-in", from: "2026-11-01T00:50:00Z", "+..+" + "+" * 11 + "+")], policy: policy,
                         period: period).service("smtp-in")!
        #expect(s.noData == [span("2026-11-01T01:00:00Z", "2026-11-01T01:05:00Z")])
    }
}
