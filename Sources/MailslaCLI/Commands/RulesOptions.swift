import ArgumentParser
import Mailsla
import MailslaRules

/// Where the rule pack is: shared by every command that classifies.
struct RulesOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: "The rule pack directory (default: $MAILSLA_RULES, ./rules, or the shipped pack).")
    var directory: String?

    /// The directory to load (the flag, else the configuration's, else the default), or a message.
    func resolvedDirectory(configured: String? = nil) throws -> String {
        if let directory { return directory }
        if let configured { return configured }
        guard let found = RulesLocation.defaultDirectory() else {
            throw ValidationError("No rule pack found: pass --rules DIR or set MAILSLA_RULES.")
        }
        return found
    }

    /// Loads and compiles the pack; a refused pack prints every error and exits 2.
    func load(configured: String? = nil) throws -> RuleSet {
        let directory = try resolvedDirectory(configured: configured)
        do {
            return try RuleSet(directory: directory)
        } catch let error as RulePackErrors {
            printError("rule pack \(directory) refused:\n\(error)")
            throw ExitCode(2)
        }
    }
}

func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

import Foundation
