import ArgumentParser
import Mailsla
import MailslaRules

struct RulesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every rule over logs (time, tries, hits, ns/try, costliest first; lines/s), and against 64 KiB pathological lines.",
        discussion: """
        The logs are read twice: once untimed for lines/s, once with a clock read around every match. \
        Without log paths only the pathological-line check runs. Build in release mode for figures that mean something.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(help: "How many rules to list (default: all that were tried; 10 for the pathological check).")
    var top: Int?

    @Option(name: .customLong("pathological-length"), help: "Length in bytes of the pathological lines (the default is replay's --max-line).")
    var pathologicalLength = 65536

    @Flag(name: .customLong("no-pathological"), help: "Skip the pathological-line check.")
    var noPathological = false

    @Flag(help: "Exit 1 when a rule, or the whole pack, takes more than 1 ms on a pathological line.")
    var strict = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        try input.check(requireInput: false)
        if let top, top < 1 { throw ValidationError("--top must be at least 1.") }
        if pathologicalLength < 64 { throw ValidationError("--pathological-length must be at least 64 bytes.") }
        if noPathological && !input.hasInput { throw ValidationError("Nothing to do: give log paths, or drop --no-pathological.") }
    }

    func run() throws {
        let set = try rules.load()
        var report: RuleCostReport
        var failed = false
        if input.hasInput {
            var options = try input.replayOptions()
            options.rules = set
            let plain = try Replay(options: options).run()
            options.ruleTiming = true
            let timed = try Replay(options: options).run()
            for error in timed.errors { printError("mailsla: \(error)") }
            failed = !timed.errors.isEmpty
            report = RuleCostReport(rules: set, counters: timed.classification!.counters, lines: timed.counters.lines,
                                    timedSeconds: timed.elapsedSeconds, seconds: plain.elapsedSeconds)
        } else {
            report = RuleCostReport(rules: set, counters: ClassifierCounters(ruleCount: set.rules.count), lines: 0, timedSeconds: 0)
        }
        if !noPathological {
            report.pathological = PathologicalCheck.run(rules: set, length: pathologicalLength)
            report.pathologicalLines = PathologicalLines.run(rules: set, length: pathologicalLength)
        }
        print(json ? report.json() : report.text(top: top), terminator: "")
        if strict, report.pathological?.contains(where: \.overTarget) == true || (report.pathologicalLines?.overTarget ?? 0) > 0 {
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}
