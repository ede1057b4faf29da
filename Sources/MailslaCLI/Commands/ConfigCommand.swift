import ArgumentParser
import Mailsla

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with mailsla.yaml.",
        subcommands: [ConfigCheckCommand.self]
    )
}

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file; print what it sets, or every problem with its line."
    )

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        let config: Configuration
        do {
            config = try ConfigLoader.load(path: file)
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        }
        let sla = config.sla
        print("\(file): ok")
        print("  timezone   \(config.timeZoneName)")
        print("  objective  \(sla.objective), minimum \(sla.minimum), policy \(sla.exclusionPolicy.rawValue)")
        print("  server     \(sla.serverMembers.joined(separator: " + "))")
        print("  services   default every \(sla.defaultService.intervalSeconds) s, \(sla.defaultService.failureThreshold) failures"
            + sla.services.sorted { $0.key < $1.key }.map { "; \($0.key) every \($0.value.intervalSeconds) s, \($0.value.failureThreshold) failures" }.joined())
        print("  maintenance \(sla.maintenance.count) one-off, \(sla.recurringMaintenance.count) recurring; \(sla.manualExclusions.count) manual exclusions")
        if !config.flow.filterAddresses.isEmpty { print("  filters    \(config.flow.filterAddresses.sorted().joined(separator: ", "))") }
        if let rules = config.rulesDirectory { print("  rules      \(rules)") }
        for t in config.probeTargets {
            print("  probe      \(t.service) (\(t.kind.rawValue)) \(t.host):\(t.port) tls \(t.tls.rawValue)"
                + "\(t.tlsVerify ? "" : " unverified") every \(t.intervalSeconds) s" + (t.credentials.map { " as \($0)" } ?? ""))
        }
    }
}
