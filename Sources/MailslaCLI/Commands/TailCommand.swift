import ArgumentParser
import Foundation
import Logging
import Mailsla
import MailslaProbe
import MailslaSLA
import MailslaServe
import MailslaTail
import ServiceLifecycle

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow log files and the journal as a service: the replay pipeline, state in SQLite, exact across restarts."
    )

    /// Written into every checkpoint, so a state database says which mailsla wrote it.
    static let version = "mailsla 0.1"

    @Option(help: "The configuration file (mailsla.yaml): sources, store, tail, SLA terms, detection.")
    var config: String

    @Option(name: .customLong("rules"), help: "The rule pack directory (default: the configuration's rules, $MAILSLA_RULES, ./rules, or the shipped pack).")
    var rulesDirectory: String?

    @Option(help: "First start only: read journal entries from this time (RFC 3339) and files from their beginning.")
    var since: String?

    @Flag(name: .customLong("from-beginning"), help: "First start only: read everything the files and the journal hold.")
    var fromBeginning = false

    func validate() throws {
        if since != nil && fromBeginning { throw ValidationError("Give --since or --from-beginning, not both.") }
        if let since, RFC3339.micros(since) == nil {
            throw ValidationError("--since must be an RFC 3339 time, e.g. 2026-11-26T00:00:00Z.")
        }
    }

    func run() async throws {
        EarlySignals.install()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["MAILSLA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "mailsla.tail")
        let start: TailSettings.Start? = fromBeginning ? .beginning : since.flatMap(RFC3339.micros).map { .since($0) }
        let (path, rules) = (config, rulesDirectory)
        let load: @Sendable () throws -> TailPlan = { try TailPlan.load(configPath: path, rulesDirectory: rules, start: start) }
        let plan: TailPlan
        do {
            plan = try load()
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let control = EngineControl()
        let notifier = SystemdNotifier()
        let board = StatusBoard(version: Self.version)
        let tracker = MailflowProbeTracker()
        let engine = EngineService(plan: plan, storePath: plan.configuration.store!, control: control,
                                   logger: logger, notifier: notifier, version: Self.version, board: board, tracker: tracker)
        let server = StatusServer(settings: plan.configuration.listen, board: board, logger: logger)
        let probes = ProbeService(targets: plan.configuration.probeTargets, board: board, tracker: tracker, logger: logger)
        let reload = ReloadService(control: control, logger: logger, notifier: notifier, probes: probes, load: load)
        // Shutdown runs in reverse order: reload first, then the prober and the server (no more probe
        // results), the engine last (its last checkpoint stores what they handed over).
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: engine, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: probes),
            .init(service: reload),
        ]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("starting", metadata: ["config": "\(config)", "store": "\(plan.configuration.store!)", "version": "\(Self.version)"])
        do {
            try await group.run()
        } catch {
            if case .failed = control.phase { throw ExitCode(1) }
            throw error
        }
        if case .failed = control.phase { throw ExitCode(1) }
    }
}
