import Logging
import Mailsla
import MailslaProbe
import MailslaServe
import ServiceLifecycle

/// The probe service of `mailsla tail`: runs `ProbeScheduler` over the
/// configuration's `probes:` targets and hands every result to the engine
/// through `StatusBoard`'s inbox, the way POST /probes does, so results reach
/// the state in the next checkpoint's transaction. `mailflow` targets with
/// `confirm: logs` learn about delivery from the engine through `tracker`.
///
/// Put it after the server and before the reload service in the
/// `ServiceGroup`: shutdown runs in reverse, so it stops (tests in flight
/// finish or are dropped) before the engine's last checkpoint. A reload
/// (`reload(_:)`, from SIGHUP) with other targets restarts the scheduler; the
/// grid of instants is fixed to the epoch, so no instant is tested twice.
public struct ProbeService: Service {
    public let board: StatusBoard
    public let tracker: MailflowProbeTracker
    public let logger: Logger
    private let initial: [ProbeTargetSettings]
    private let updates: AsyncStream<[ProbeTargetSettings]>
    private let continuation: AsyncStream<[ProbeTargetSettings]>.Continuation

    public init(targets: [ProbeTargetSettings], board: StatusBoard, tracker: MailflowProbeTracker, logger: Logger) {
        initial = targets
        self.board = board
        self.tracker = tracker
        self.logger = logger
        (updates, continuation) = AsyncStream.makeStream(of: [ProbeTargetSettings].self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The targets of a reloaded configuration; taken at once, the scheduler restarts when they differ.
    public func reload(_ targets: [ProbeTargetSettings]) { continuation.yield(targets) }

    public func run() async {
        var current = initial
        var scheduler = start(current)
        for await next in updates.cancelOnGracefulShutdown() where next != current {
            scheduler.cancel()
            await scheduler.value
            current = next
            logger.notice("probe targets reloaded", metadata: ["services": "\(current.map(\.service).joined(separator: ","))"])
            scheduler = start(current)
        }
        scheduler.cancel()
        await scheduler.value
    }

    private func start(_ targets: [ProbeTargetSettings]) -> Task<Void, Never> {
        if !targets.isEmpty {
            logger.info("probing", metadata: ["services": "\(targets.map(\.service).joined(separator: ","))"])
        }
        let (board, logger) = (board, logger)
        let scheduler = ProbeScheduler(targets: targets, prober: Prober(tracker: tracker)) { outcome in
            if !outcome.ok {
                logger.notice("probe failed", metadata: ["service": "\(outcome.service)", "error": "\(outcome.test.error)"])
            }
            if !board.submit([ProbeResult(service: outcome.service, test: outcome.test, source: "prober")]) {
                logger.error("probe result dropped: the engine's inbox is full", metadata: ["service": "\(outcome.service)"])
            }
        }
        return Task { await scheduler.run() }
    }
}
