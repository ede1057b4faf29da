import ArgumentParser
import Foundation
import Mailsla
import MailslaCore
import MailslaRules

struct RulesExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show, for each line, the rule that matched (or none), the event kind and the fields."
    )

    @OptionGroup var rules: RulesOptions

    @Argument(help: "Log lines to explain.")
    var lines: [String] = []

    @Option(name: .customLong("file"), help: "Explain every line of this file (- for standard input).")
    var file: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: "Year for RFC 3164 lines.")
    var year: Int = Calendar(identifier: .gregorian).component(.year, from: Date())

    func validate() throws {
        if lines.isEmpty && file == nil { throw ValidationError("Give lines to explain, or --file F.") }
    }

    func run() throws {
        let set = try rules.load()
        var input = lines
        if let file {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: file))
            input += String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        let verifier = RuleVerifier(rules: set)
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(year)))
        var classifier = Classifier(rules: set, symbols: symbols)
        for line in input {
            let e = verifier.explain(line, parser: &parser, classifier: &classifier)
            if json {
                var members: [(String, JSONValue)] = [("line", .string(line)), ("parsed", .bool(e.parsed))]
                members.append(("program", e.program.map(JSONValue.string) ?? .null))
                members.append(("rule", e.ruleID.map(JSONValue.string) ?? .null))
                members.append(("event", e.kind.map(JSONValue.string) ?? .null))
                members.append(("fields", .object(e.fields.map { ($0.0, .string($0.1)) })))
                print(JSONValue.object(members).compact())
            } else {
                print(line)
                if !e.parsed {
                    print("  not a syslog line")
                } else if let rule = e.ruleID, let kind = e.kind {
                    print("  \(kind) by \(rule)")
                    for (name, value) in e.fields { print("    \(name) = \(value)") }
                } else {
                    print("  no rule matched (program \(e.program ?? "-"))")
                }
            }
        }
    }
}
