import Mailsla
import MailslaRules

/// Why `mailsla tail` cannot start or reload with a configuration.
public struct TailSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension TailPlan {
    /// Loads the configuration file and compiles its rule pack. Throws
    /// `ConfigError` (file, line, what to write), `RulePackErrors` (file, rule id,
    /// position in the pattern) or `TailSetupError`.
    public static func load(configPath: String, rulesDirectory: String?, start: TailSettings.Start?) throws -> TailPlan {
        var configuration = try ConfigLoader.load(path: configPath)
        if let start { configuration.tail.start = start }
        guard configuration.store != nil else {
            throw TailSetupError("\(configPath): `store` is not set: name the state database, e.g. store: /var/lib/mailsla/state.db")
        }
        guard let directory = rulesDirectory ?? configuration.rulesDirectory ?? RulesLocation.defaultDirectory() else {
            throw TailSetupError("no rule pack found: set `rules` in \(configPath), pass --rules DIR or set MAILSLA_RULES")
        }
        return TailPlan(configuration: configuration, rules: try RuleSet(directory: directory))
    }
}
