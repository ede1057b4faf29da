import NIOCore

/// Runs a probe's tasks on a SwiftNIO event-loop thread instead of the shared cooperative pool, so a
/// probe's latency and time-outs measure the server, not how busy the rest of the process is (the tail
/// engine, or CPU-bound work that holds the pool's few threads).
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { unowned.runSynchronously(on: executor) }
    }

    /// Waits `duration` on the loop's timer. `Task.sleep` resumes through the cooperative pool
    /// even under this executor's preference, so CPU-bound work on every pool thread held the
    /// probe scheduler's wake-ups for as long as it ran; this one resumes on the loop.
    /// Throws when the task is cancelled while it waits (or the loop shuts down).
    func sleep(for duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        let scheduled = loop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {}
        try await withTaskCancellationHandler {
            try await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
