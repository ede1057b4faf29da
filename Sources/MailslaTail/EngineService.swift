import Foundation
import Logging
import MailslaCore
import MailslaProbe
import MailslaServe
import MailslaStore
import ServiceLifecycle

/// Runs the engine on its dedicated thread as a swift-service-lifecycle
/// `Service`. A graceful shutdown (SIGTERM, SIGINT) or a cancellation asks the
/// engine to stop: it finishes the batch in hand, writes the last checkpoint
/// and returns; `run()` returns once it has.
///
/// Put it first in the `ServiceGroup`: shutdown runs in reverse, so the
/// server and the prober stop taking probe results before the engine's last
/// checkpoint stores them.
public struct EngineService: Service {
    public let plan: TailPlan
    public let storePath: String
    public let control: EngineControl
    public let logger: Logger
    public let notifier: SystemdNotifier
    public let version: String
    public let board: StatusBoard
    /// Shown every finished message, for the `mailflow` probes that confirm delivery from the logs.
    public let tracker: MailflowProbeTracker?

    public init(plan: TailPlan, storePath: String, control: EngineControl, logger: Logger, notifier: SystemdNotifier, version: String,
                board: StatusBoard, tracker: MailflowProbeTracker? = nil) {
        self.board = board
        self.tracker = tracker
        self.plan = plan
        self.storePath = storePath
        self.control = control
        self.logger = logger
        self.notifier = notifier
        self.version = version
    }

    public func run() async throws {
        let control = self.control
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
                    let (plan, path, logger, notifier, version, board, tracker) = (plan, storePath, logger, notifier, version, board, tracker)
                    startThread(named: "mailsla-engine") {
                        do {
                            let store = try StateStore(path: path)
                            let engine = TailEngine(plan: plan, store: store, control: control, logger: logger,
                                                    notifier: notifier, version: version, board: board, tracker: tracker)
                            try engine.run()
                            control.set(.stopped)
                            done.resume()
                        } catch {
                            logger.critical("the engine stopped", metadata: ["error": "\(error)"])
                            control.set(.failed("\(error)"))
                            done.resume(throwing: error)
                        }
                    }
                }
            } onGracefulShutdown: {
                control.requestStop()
            }
        } onCancel: {
            control.requestStop()
        }
    }
}
