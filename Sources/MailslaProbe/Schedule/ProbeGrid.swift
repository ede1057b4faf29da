/// One target's grid of test instants (whole multiples of its interval, UTC
/// microseconds) and which of them are due when the scheduler wakes.
///
/// A wake-up can come late: a starved thread pool, a stalled machine, a
/// suspended VM. An operator expects one test per service per interval, late
/// rather than missing, but never a burst of tests against the server after a
/// long stall. So an instant is still tested when the wake comes less than two
/// intervals after it, under its own (grid) time, and at once; older instants
/// are left out. A wake-up at most two intervals late therefore loses no
/// instant; a later one tests the last two instants and skips the rest, which
/// leaves a gap longer than twice the interval that the SLA engine reports as
/// "no data" (a gap of exactly two intervals, one instant left out, is not).
/// A synchronous value: the scheduler's loop is the thin async shell around it.
struct ProbeGrid {
    /// The interval in microseconds.
    let step: Int64
    /// The first instant not yet handed out.
    private(set) var next: Int64

    /// The grid of `intervalSeconds` (at least 1), starting at its first instant after `now`.
    init(intervalSeconds: Int, after now: Int64) {
        step = Int64(max(1, intervalSeconds)) * 1_000_000
        next = ProbeScheduler.nextTick(after: now, intervalSeconds: intervalSeconds)
    }

    /// The instants due at `now`, oldest first: none before `next`, at most two
    /// (those less than two intervals before `now`). Each instant is handed out once.
    mutating func due(at now: Int64) -> [Int64] {
        guard now >= next else { return [] }
        let latest = now - now % step
        let oldest = max(next, latest - step)
        next = latest + step
        return oldest == latest ? [latest] : [oldest, latest]
    }
}
