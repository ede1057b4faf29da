import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration and the rules on SIGHUP. Loading and compiling
/// happen here, off the engine thread; only a plan that loaded whole is handed
/// to the engine. A bad file keeps the running plan and says why (the file,
/// the line, the rule id and the position in its pattern, as the loaders
/// report them). The probe service gets the new `probes:` targets at the
/// same moment (it does not wait for the engine's batch boundary).
public struct ReloadService: Service {
    public let load: @Sendable () throws -> TailPlan
    public let control: EngineControl
    public let logger: Logger
    public let notifier: SystemdNotifier
    public let probes: ProbeService?

    public init(control: EngineControl, logger: Logger, notifier: SystemdNotifier, probes: ProbeService? = nil,
                load: @escaping @Sendable () throws -> TailPlan) {
        self.load = load
        self.control = control
        self.logger = logger
        self.notifier = notifier
        self.probes = probes
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading configuration and rules")
            do {
                let plan = try load()
                control.requestReload(plan)
                probes?.reload(plan.configuration.probeTargets)
            } catch {
                logger.error("reload refused; the running configuration and rules stay", metadata: ["error": "\(error)"])
            }
            notifier.status("following sources")
        }
    }
}
