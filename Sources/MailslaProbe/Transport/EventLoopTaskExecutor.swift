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
}
