import Testing

@testable import MailslaProbe

/// Which instants a wake-up tests: on time one, late the ones it passed under their grid
/// times, but never more than two at once.
@Suite struct ProbeGridTests {
    private let second: Int64 = 1_000_000
    /// An instant of a 60 s grid.
    private let t: Int64 = 1_764_000_000_000_000

    @Test func theFirstInstantIsTheGridsNextAfterTheStart() {
        let grid = ProbeGrid(intervalSeconds: 60, after: t + 12 * second)
        #expect(grid.next == t + 60 * second)
        #expect(grid.step == 60 * second)
        #expect(ProbeGrid(intervalSeconds: 0, after: t).step == second)
    }

    @Test func anOnTimeWakeUpTestsOneInstantAndNothingTwice() {
        var grid = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(grid.due(at: t - 1) == [])
        #expect(grid.due(at: t) == [t])
        #expect(grid.due(at: t + 59 * second) == [])
        #expect(grid.due(at: t + 60 * second + 3) == [t + 60 * second])
        #expect(grid.next == t + 120 * second)
    }

    @Test func aWakeUpLessThanTwoIntervalsLateTestsEveryInstantItPassed() {
        var grid = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(grid.due(at: t + 90 * second) == [t, t + 60 * second])
        #expect(grid.next == t + 120 * second)
        // The very last microsecond before the instant would be two intervals old.
        var edge = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(edge.due(at: t + 120 * second - 1) == [t, t + 60 * second])
    }

    @Test func aLaterWakeUpTestsOnlyTheLastTwoInstants() {
        var grid = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(grid.due(at: t + 120 * second) == [t + 60 * second, t + 120 * second])
        var suspended = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(suspended.due(at: t + 3600 * second + 5) == [t + 3540 * second, t + 3600 * second])
        #expect(suspended.next == t + 3660 * second)
        #expect(suspended.due(at: t + 3660 * second) == [t + 3660 * second])
    }

    @Test func aWakeUpAfterOneTestedLateStillTestsTheRest() {
        // Two late wake-ups in a row, each less than two intervals after the first instant it owes.
        var grid = ProbeGrid(intervalSeconds: 60, after: t - 1)
        #expect(grid.due(at: t + 70 * second) == [t, t + 60 * second])
        #expect(grid.due(at: t + 200 * second) == [t + 120 * second, t + 180 * second])
        #expect(grid.due(at: t + 245 * second) == [t + 240 * second])
    }
}
