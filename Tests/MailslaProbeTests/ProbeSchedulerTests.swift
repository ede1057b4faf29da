import Foundation
import Mailsla
import NIOConcurrencyHelpers
import NIOPosix
import Testing

@testable import MailslaProbe

/// The scheduler against real servers while something holds the threads it needs.
@Suite struct ProbeSchedulerTests {
    /// An instant's test and when its result reached the sink (UTC microseconds).
    private struct Arrival { var time: Int64; var arrived: Int64 }

    @Test func aStarvedCooperativePoolDoesNotDelayTheTests() async throws {
        let pop = try await LineServer(greeting: "+OK") { _, _ in .lines(["+OK"]) }
        let target = ProbeTargetSettings(service: "pop3", kind: .pop3, host: "127.0.0.1", port: pop.port, intervalSeconds: 1)
        let collected = NIOLockedValueBox<[Arrival]>([])
        let scheduler = ProbeScheduler(targets: [target]) { result in
            let arrived = ProbeScheduler.wallMicros()
            collected.withLockedValue { $0.append(Arrival(time: result.test.time, arrived: arrived)) }
        }
        let task = Task { await scheduler.run() }
        try await waitFor(seconds: 600) { collected.withLockedValue { $0.count } >= 1 }
        // CPU-bound work on every pool thread for 3 s: with wake-ups through the pool (Task.sleep),
        // the instants inside came out 3 s late, or not at all.
        let held = await holdCooperativePool(seconds: 3)
        try await waitFor(seconds: 600) { collected.withLockedValue { $0.last?.time ?? 0 } > held.upperBound }
        task.cancel()
        await task.value
        await pop.stop()
        let inside = collected.withLockedValue { $0 }.filter { held.contains($0.time) }
        #expect(inside.count >= 2, "instants while the pool was held: \(inside.map(\.time))")
        for result in inside {
            // Before the next instant (typically within milliseconds).
            #expect(result.arrived - result.time < 1_000_000, "\(result.time) arrived \(result.arrived - result.time) µs late")
        }
        let times = collected.withLockedValue { $0 }.map(\.time).sorted()
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 1_000_000 }, "\(times)")
    }

    /// The event-loop thread that runs the ticks and the probes is blocked from the first test
    /// until `stall` seconds after its instant T, so the next wake-up comes that late.
    @Test(arguments: [
        // 2.5 intervals: the instants passed (T+1, T+2) are tested at once under their own times.
        (2.5, [0, 1, 2, 3]),
        // 4.5 intervals: only the last two (T+3, T+4); T+1 and T+2 are left out, no burst.
        (4.5, [0, 3, 4, 5]),
    ])
    func aLateWakeUpTestsThePassedInstantsOnceUnderTheirGridTimes(stall: Double, expected: [Int64]) async throws {
        let pop = try await LineServer(greeting: "+OK") { _, _ in .lines(["+OK"]) }
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let target = ProbeTargetSettings(service: "pop3", kind: .pop3, host: "127.0.0.1", port: pop.port, intervalSeconds: 1)
        let collected = NIOLockedValueBox<[ProbeOutcome]>([])
        let scheduler = ProbeScheduler(targets: [target], prober: Prober(group: loops)) { result in
            let first = collected.withLockedValue { all in
                all.append(result)
                return all.count == 1
            }
            guard first else { return }
            let until = result.test.time + Int64(stall * 1_000_000)
            loops.next().execute {
                let wait = until - ProbeScheduler.wallMicros()
                if wait > 0 { usleep(UInt32(wait)) }
            }
        }
        let task = Task { await scheduler.run() }
        try await waitFor(seconds: 600) { collected.withLockedValue { $0.count } >= expected.count }
        task.cancel()
        await task.value
        await pop.stop()
        try await loops.shutdownGracefully()
        let results = collected.withLockedValue { $0 }
        let allOK = results.allSatisfy(\.ok)
        #expect(allOK)
        let times = results.map(\.test.time).sorted()
        let start = times.first ?? 0
        #expect(times.prefix(expected.count).map { ($0 - start) / 1_000_000 } == expected, "\(times)")
        #expect(times.allSatisfy { $0 % 1_000_000 == 0 })
    }

    /// Polls every 50 ms until `condition` holds; records an issue after `seconds` (generous: the
    /// rest of the suite can hold the cooperative pool, which the probes' I/O also needs, for minutes).
    private func waitFor(seconds: Int, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within \(seconds) s")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Holds as many cooperative-pool threads as there are processors (the pool's width) with
    /// CPU-bound work until all of them are held, then `seconds` more; returns when they were.
    private func holdCooperativePool(seconds: Double) async -> ClosedRange<Int64> {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let started = NIOLockedValueBox(0)
        let allHeld = NIOLockedValueBox<Int64?>(nil)
        await withDiscardingTaskGroup { group in
            for _ in 0..<width {
                group.addTask {
                    started.withLockedValue { $0 += 1 }
                    while started.withLockedValue({ $0 }) < width {}
                    let since = allHeld.withLockedValue { held in
                        if held == nil { held = ProbeScheduler.wallMicros() }
                        return held!
                    }
                    let end = since + Int64(seconds * 1_000_000)
                    while ProbeScheduler.wallMicros() < end {}
                }
            }
        }
        let since = allHeld.withLockedValue { $0 }!
        return since...(since + Int64(seconds * 1_000_000))
    }
}
