import Testing
@testable import MailslaSLA

@Suite struct ExclusionTests {
    /// Failures 00:10 … 00:40 (seven tests, 30 minutes).
    let probes = [series("smtp-in", from: "2026-11-01T00:00:00Z", "++-------++")]

    func incident(_ policy: SLAPolicy, episodes: [EpisodeWindow] = []) -> Incident {
        let s = evaluate(probes, policy: policy, episodes: episodes).service("smtp-in")!
        #expect(s.incidents.count == 1)
        #expect(s.incidents[0].downtimeMinutes == 30)
        return s.incidents[0]
    }

    let e1 = EpisodeWindow(id: "E1", span: span("2026-11-01T00:30:00Z", "2026-11-01T01:00:00Z"))

    @Test func policyIncidentExcludesTheWholeIncident() {
        let i = incident(SLAPolicy(exclusionPolicy: .incident), episodes: [e1])
        #expect(i.excluded)
        #expect(i.excludedMinutes == 30)
        #expect(i.reasons == [ExclusionMatch(reason: .episode("E1"), overlapMicros: 10 * minute)])
        let s = evaluate(probes, policy: SLAPolicy(), episodes: [e1]).service("smtp-in")!
        #expect(s.countedDowntimeMinutes == 0)
        #expect(s.availability == 1)
        #expect(s.rawAvailability == 1 - 30.0 / 43_200)
    }

    @Test func policyOverlapExcludesOnlyTheOverlap() {
        let i = incident(SLAPolicy(exclusionPolicy: .overlap), episodes: [e1])
        #expect(i.excluded)
        #expect(i.excludedMinutes == 10)
        #expect(i.countedMicros == 20 * minute)
        #expect(i.reasons == [ExclusionMatch(reason: .episode("E1"), overlapMicros: 10 * minute)])
    }

    @Test func noWindowNoExclusion() {
        let far = EpisodeWindow(id: "E9", span: span("2026-11-02T00:00:00Z", "2026-11-02T01:00:00Z"))
        for policy in ExclusionPolicy.allCases {
            let i = incident(SLAPolicy(exclusionPolicy: policy), episodes: [far])
            #expect(!i.excluded)
            #expect(i.excludedMinutes == 0)
        }
    }

    @Test func marginsWidenEpisodes() {
        // The episode starts 10 minutes after the last failed test.
        let late = EpisodeWindow(id: "E2", span: span("2026-11-01T00:50:00Z", "2026-11-01T01:00:00Z"))
        #expect(!incident(SLAPolicy(), episodes: [late]).excluded)
        let touching = incident(SLAPolicy(episodeMargins: EpisodeMargins(beforeSeconds: 600)), episodes: [late])
        #expect(touching.excluded)  // the failed test at 00:40 falls in the widened window
        #expect(touching.excludedMinutes == 30)
        #expect(touching.reasons == [ExclusionMatch(reason: .episode("E2"), overlapMicros: 0)])
        let overlap = incident(SLAPolicy(exclusionPolicy: .overlap, episodeMargins: EpisodeMargins(beforeSeconds: 900)),
                               episodes: [late])
        #expect(overlap.excludedMinutes == 5)
        // The margin after: an episode that ended before the incident began.
        let early = EpisodeWindow(id: "E3", span: span("2026-11-01T00:00:00Z", "2026-11-01T00:05:00Z"))
        #expect(!incident(SLAPolicy(), episodes: [early]).excluded)
        let after = incident(SLAPolicy(exclusionPolicy: .overlap, episodeMargins: EpisodeMargins(afterSeconds: 900)),
                             episodes: [early])
        #expect(after.excludedMinutes == 10)
        #expect(after.reasons == [ExclusionMatch(reason: .episode("E3"), overlapMicros: 10 * minute)])
    }

    @Test func aWindowEndingAtTheFirstFailedTestDoesNotTouchIt() {
        let before = EpisodeWindow(id: "E4", span: span("2026-11-01T00:00:00Z", "2026-11-01T00:10:00Z"))
        #expect(!incident(SLAPolicy(), episodes: [before]).excluded)
    }

    @Test func overlappingReasonsEachNameTheirMinutesAndCountOnce() {
        var policy = SLAPolicy(exclusionPolicy: .overlap)
        policy.maintenance = [DeclaredWindow(start: "2026-11-01T00:00:00Z", end: "2026-11-01T00:20:00Z", reason: "kernel upgrade")!]
        policy.manualExclusions = [DeclaredWindow(span: span("2026-11-01T00:15:00Z", "2026-11-01T00:30:00Z"),
                                                  reason: "carrier outage")]
        let e = EpisodeWindow(id: "E1", span: span("2026-11-01T00:25:00Z", "2026-11-01T00:35:00Z"))
        let overlap = incident(policy, episodes: [e])
        #expect(overlap.excludedMinutes == 25)  // 00:10–00:35 under some window
        #expect(overlap.reasons == [
            ExclusionMatch(reason: .maintenance("kernel upgrade"), overlapMicros: 10 * minute),
            ExclusionMatch(reason: .manual("carrier outage"), overlapMicros: 15 * minute),
            ExclusionMatch(reason: .episode("E1"), overlapMicros: 10 * minute),
        ])
        policy.exclusionPolicy = .incident
        let whole = incident(policy, episodes: [e])
        #expect(whole.excludedMinutes == 30)
        #expect(whole.reasons == overlap.reasons)
    }

    @Test func incidentPolicyExcludesBothPartsOfASplitRun() {
        // A run 23:50–00:05 across the month boundary; the episode touches only October's part.
        let data = [series("smtp-in", from: "2026-10-31T23:45:00Z", "+----+")]
        let e = EpisodeWindow(id: "E5", span: span("2026-10-31T23:40:00Z", "2026-10-31T23:52:00Z"))
        let november = evaluate(data, episodes: [e]).service("smtp-in")!
        #expect(november.incidents[0].excludedMinutes == 5)
        #expect(november.incidents[0].reasons == [ExclusionMatch(reason: .episode("E5"), overlapMicros: 0)])
        let overlap = evaluate(data, policy: SLAPolicy(exclusionPolicy: .overlap), episodes: [e]).service("smtp-in")!
        #expect(!overlap.incidents[0].excluded)
    }

    @Test func recurringMaintenanceFollowsTheZoneAcrossDST() throws {
        var policy = SLAPolicy(timeZone: berlin)
        policy.recurringMaintenance = [try RecurringMaintenance(parsing: "Sunday 02:00 for 2h", reason: "patching")]
        let calendar = ExclusionCalendar(policy: policy, episodes: [])
        let march = calendar.windows(touching: SLAPeriod.month(year: 2026, month: 3, in: berlin).span)
        #expect(march.map(\.span) == [
            span("2026-03-01T01:00:00Z", "2026-03-01T03:00:00Z"),
            span("2026-03-08T01:00:00Z", "2026-03-08T03:00:00Z"),
            span("2026-03-15T01:00:00Z", "2026-03-15T03:00:00Z"),
            span("2026-03-22T01:00:00Z", "2026-03-22T03:00:00Z"),
            span("2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z"),  // 02:00 skipped: starts at the jump, lasts 2 real hours
        ])
        #expect(march.allSatisfy { $0.reason == .maintenance("patching") })
        let april = calendar.windows(touching: span("2026-04-05T00:00:00Z", "2026-04-06T00:00:00Z"))
        #expect(april.map(\.span) == [span("2026-04-05T00:00:00Z", "2026-04-05T02:00:00Z")])
        let fall = calendar.windows(touching: span("2026-10-24T00:00:00Z", "2026-11-02T00:00:00Z"))
        #expect(fall.map(\.span) == [span("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"),  // first 02:00 (CEST)
                                     span("2026-11-01T01:00:00Z", "2026-11-01T03:00:00Z")])

        // An incident in the winter window is excluded; the same UTC time a week earlier in summer is not.
        let winter = [series("smtp-in", from: "2026-11-01T02:30:00Z", "+---+")]
        let excluded = SLAEngine(policy: policy).evaluate(ProbeData(series: winter), period: november(berlin))
        #expect(excluded.service("smtp-in")!.incidents[0].reasons.map(\.reason) == [.maintenance("patching")])
        let summer = [series("smtp-in", from: "2026-10-25T02:30:00Z", "+---+")]
        let counted = SLAEngine(policy: policy).evaluate(ProbeData(series: summer),
                                                          period: .month(year: 2026, month: 10, in: berlin))
        #expect(!counted.service("smtp-in")!.incidents[0].excluded)
        #expect(counted.exclusionWindows.count == 4)
    }

    @Test func aSkippedStartTimeLandsAfterTheJump() throws {
        var policy = SLAPolicy(timeZone: berlin)
        policy.recurringMaintenance = [try RecurringMaintenance(parsing: "sun 02:30 for 1h", reason: "backup")]
        let windows = ExclusionCalendar(policy: policy, episodes: [])
            .windows(touching: span("2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z"))
        #expect(windows.map(\.span) == [span("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")])
    }
}
