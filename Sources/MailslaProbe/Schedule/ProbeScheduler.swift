import Foundation
import Mailsla

/// Tests every target at its interval until cancelled: the probe service of
/// `mailsla tail` (its ServiceGroup runs `run()`; graceful shutdown cancels it)
/// and `mailsla probe --run-for`. Each target keeps its own grid of instants,
/// whole multiples of its interval since the epoch, so there is one test per
/// service per interval at the same instants across restarts (no jitter, no
/// drift); a test slower than its interval overlaps the next one instead of
/// pushing it, and a late wake-up tests the instants it passed, late rather
/// than missing, but never more than two at once (`ProbeGrid`). Results go to
/// `sink` as they finish, from any task.
public struct ProbeScheduler: Sendable {
    public typealias Sink = @Sendable (ProbeOutcome) -> Void

    public let targets: [ProbeTargetSettings]
    private let prober: Prober
    private let sink: Sink

    public init(targets: [ProbeTargetSettings], prober: Prober = Prober(), sink: @escaping Sink) {
        self.targets = targets
        self.prober = prober
        self.sink = sink
    }

    /// Runs until the surrounding task is cancelled, then waits for the tests in flight
    /// (each bounded by its time-out) and hands their results to the sink too, except a
    /// failure that came after the cancellation: a test cut short by the end of the run
    /// says nothing about the server, and a false failure would make a false incident.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for target in targets {
                group.addTask { await self.runTarget(target) }
            }
        }
    }

    /// One test of each target now, all at once; results in the order of `targets`.
    public static func once(_ targets: [ProbeTargetSettings], prober: Prober = Prober()) async -> [ProbeOutcome] {
        let time = Self.wallMicros()
        return await withTaskGroup(of: (Int, ProbeOutcome).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await prober.probe(target, at: time)) }
            }
            var results: [(Int, ProbeOutcome)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The first instant of the grid after `now` (UTC microseconds).
    public static func nextTick(after now: Int64, intervalSeconds: Int) -> Int64 {
        let step = Int64(max(1, intervalSeconds)) * 1_000_000
        return (now / step + 1) * step
    }

    private func runTarget(_ target: ProbeTargetSettings) async {
        // The ticks, like the probes, run and wait on an event-loop thread: a busy shared pool must not shift them.
        let executor = prober.executor()
        await withTaskExecutorPreference(executor) { await self.tick(target, executor) }
    }

    private func tick(_ target: ProbeTargetSettings, _ executor: EventLoopTaskExecutor) async {
        await withDiscardingTaskGroup { group in
            var grid = ProbeGrid(intervalSeconds: target.intervalSeconds, after: Self.wallMicros())
            while !Task.isCancelled {
                let wait = grid.next - Self.wallMicros()
                if wait > 0 {
                    do { try await executor.sleep(for: .microseconds(wait)) } catch { return }
                }
                // A late wake-up still tests the instants it passed, under their grid times, but
                // no more than the last two: see `ProbeGrid`.
                for at in grid.due(at: Self.wallMicros()) {
                    group.addTask {
                        let outcome = await self.prober.probe(target, at: at)
                        if outcome.ok || !Task.isCancelled { self.sink(outcome) }
                    }
                }
            }
        }
    }

    static func wallMicros() -> Int64 { MailflowProbe.wallMicros() }
}
