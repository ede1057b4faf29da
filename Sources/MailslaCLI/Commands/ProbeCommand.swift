import ArgumentParser
import Mailsla
import MailslaSLA
import MailslaProbe

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Test the servers under probes: in mailsla.yaml and write the results as probe JSON lines.",
        discussion: """
            Once by default: every target (or those named by --service) is tested now, the results are written, \
            a line per test goes to standard error, and the exit status is 1 when any test failed. \
            With --run-for the targets are tested at their intervals for that long (the scheduler \
            mailsla tail runs), each result written as it comes. The output is what `mailsla replay --probes` reads.
            """
    )

    @Option(name: .long, help: "The configuration file with the probes: list.")
    var config: String

    @Option(name: .long, help: "Test only this service (repeatable).")
    var service: [String] = []

    @Option(name: .long, help: "Where to write the JSON lines ('-' for standard output).")
    var output = "-"

    @Option(name: .customLong("run-for"), help: "Keep testing at the configured intervals for this long (e.g. 90s, 5m).")
    var runFor: String?

    func validate() throws {
        if let runFor, RecurringMaintenance.durationSeconds(runFor) == nil {
            throw ValidationError("--run-for '\(runFor)' is not a duration: write 90s, 5m or 1h")
        }
    }

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try ConfigLoader.load(path: config)
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        }
        let targets = try selectTargets(configuration.probeTargets)
        let out = try OutputFile(path: output)
        var writer = ProbeLineWriter()
        if let runFor, let seconds = RecurringMaintenance.durationSeconds(runFor) {
            let (results, continuation) = AsyncStream.makeStream(of: ProbeOutcome.self)
            let scheduler = ProbeScheduler(targets: targets) { continuation.yield($0) }
            let task = Task {
                await scheduler.run()
                continuation.finish()
            }
            let stop = Task {
                try? await Task.sleep(for: .seconds(seconds))
                task.cancel()
            }
            for await result in results {
                try out.write(writer.lines([result]))
                printError(Self.summary(result))
            }
            stop.cancel()
            return
        }
        let results = await ProbeScheduler.once(targets)
        try out.write(writer.lines(results))
        results.forEach { printError(Self.summary($0)) }
        if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    private func selectTargets(_ all: [ProbeTargetSettings]) throws -> [ProbeTargetSettings] {
        guard !all.isEmpty else {
            throw ValidationError("\(config) has no probes: targets (see README, 'Point mailsla at a real server')")
        }
        let unknown = service.filter { name in !all.contains { $0.service == name } }
        guard unknown.isEmpty else {
            throw ValidationError("no probe for \(unknown.joined(separator: ", ")) in \(config); it has "
                + all.map(\.service).joined(separator: ", "))
        }
        let chosen = service.isEmpty ? all : all.filter { service.contains($0.service) }
        // Confirming the mail flow from the logs needs the flow correlator of mailsla tail; here every
        // such test would fail and make a false outage, so the target is left out (or refused when named).
        let fromLogs = chosen.filter { $0.mailflow?.confirm == .logs }.map(\.service)
        if !fromLogs.isEmpty {
            let why = "\(fromLogs.joined(separator: ", ")) confirms delivery from the logs (confirm: logs), which only "
                + "mailsla tail can do; give it confirm: imap to test it here"
            if !service.isEmpty { throw ValidationError(why) }
            printError("note: left out \(why)")
        }
        let runnable = chosen.filter { !fromLogs.contains($0.service) }
        guard !runnable.isEmpty else { throw ValidationError("nothing to probe in \(config) without mailsla tail") }
        return runnable
    }

    /// One line for a person: service, verdict, latency, and the error when it failed.
    static func summary(_ result: ProbeOutcome) -> String {
        let latency = result.test.latencyMs.map { String(Int($0.rounded())) + " ms" } ?? ""
        return result.ok ? "\(result.service): ok \(latency)" : "\(result.service): FAILED after \(latency): \(result.test.error)"
    }
}
