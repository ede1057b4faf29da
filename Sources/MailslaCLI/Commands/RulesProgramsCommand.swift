import ArgumentParser
import Foundation
import MailslaRules

struct RulesProgramsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programs",
        abstract: "Compile the pack's anchored patterns to C for the next build (Sources/CRulePrograms/RulePrograms.c).",
        discussion: """
        A rule whose expanded pattern is in that file runs on the compiled program, 1.3 to 2 times faster \
        than PCRE2's JIT per match and with the same results; any other rule runs on PCRE2. Run this after changing a \
        shipped rule or fragment and rebuild; `swift test` fails while the file and rules/ disagree.
        """
    )

    @OptionGroup var rules: RulesOptions

    @Option(help: "Where to write the C source ('-': standard output).")
    var output = "Sources/CRulePrograms/RulePrograms.c"

    func run() throws {
        let directory = try rules.resolvedDirectory()
        let source = RuleProgramSource.generate(try rules.load(), directoryName: URL(fileURLWithPath: directory).lastPathComponent)
        if output == "-" {
            print(source, terminator: "")
        } else {
            try source.write(toFile: output, atomically: true, encoding: .utf8)
            printError("rules programs: wrote \(output)")
        }
    }
}
