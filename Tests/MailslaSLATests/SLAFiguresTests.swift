import Testing
@testable import MailslaSLA

@Suite struct SLAFiguresTests {
    /// smtp-in probed every 6 minutes, so a run of n + 1 failures is 6n minutes.
    func result(downMinutes: Int, policy: SLAPolicy = SLAPolicy(), episodes: [EpisodeWindow] = []) -> SLAResult {
        var policy = policy
        policy.services["smtp-in"] = ServicePolicy(intervalSeconds: 360)
        return evaluate([series("smtp-in", from: "2026-11-01T00:00:00Z", every: 360, "+" + "-" * (downMinutes / 6 + 1) + "+")],
                        policy: policy, episodes: episodes)
    }

    @Test func budgetExactlyUsedMeetsTheObjective() {
        let sla = result(downMinutes: 216).sla
        #expect(abs(sla.budgetMinutes - 216) < 1e-9)
        #expect(abs(sla.budgetLeftMinutes) < 1e-9)
        #expect(sla.objectiveMet)
        #expect(sla.minimumMet)
        #expect(abs(sla.availability - 0.995) < 1e-12)
    }

    @Test func overTheBudgetMissesTheObjectiveAndGoesNegative() {
        let sla = result(downMinutes: 222).sla
        #expect(!sla.objectiveMet)
        #expect(sla.minimumMet)
        #expect(abs(sla.budgetLeftMinutes - -6) < 1e-9)
    }

    @Test func belowTheMinimum() {
        let sla = result(downMinutes: 438).sla  // minimum 0.99 allows 432 minutes
        #expect(!sla.objectiveMet)
        #expect(!sla.minimumMet)
        #expect(abs(sla.budgetLeftMinutes - (216 - 438)) < 1e-9)
    }

    @Test func exclusionsRestoreTheBudgetButNotTheRawFigure() {
        let e = EpisodeWindow(id: "E7", span: span("2026-11-01T01:00:00Z", "2026-11-01T01:10:00Z"))
        let sla = result(downMinutes: 438, episodes: [e]).sla
        #expect(sla.objectiveMet)
        #expect(abs(sla.budgetLeftMinutes - 216) < 1e-9)
        #expect(sla.availability == 1)
        #expect(abs(sla.rawAvailability - (1 - 438.0 / 43_200)) < 1e-12)
    }

    @Test func objectiveAndMinimumComeFromThePolicy() {
        let sla = result(downMinutes: 60, policy: SLAPolicy(objective: 0.999, minimum: 0.998)).sla
        #expect(abs(sla.budgetMinutes - 43.2) < 1e-9)
        #expect(!sla.objectiveMet)
        #expect(sla.minimumMet)  // 0.998 allows 86.4 minutes
    }

    @Test func budgetOfADSTMonthUsesItsRealLength() {
        let march = SLAPeriod.month(year: 2026, month: 3, in: berlin)
        let sla = SLAEngine(policy: SLAPolicy(timeZone: berlin)).evaluate(ProbeData(), period: march).sla
        #expect(abs(sla.budgetMinutes - 0.005 * 44_580) < 1e-9)
    }
}
