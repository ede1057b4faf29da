import Mailsla
import MailslaRules

/// What the engine runs with: the configuration and the compiled rules.
/// Replaced whole on SIGHUP once the new ones have loaded and compiled.
public struct TailPlan: Sendable {
    public var configuration: Configuration
    public var rules: RuleSet

    public init(configuration: Configuration, rules: RuleSet) {
        self.configuration = configuration
        self.rules = rules
    }

    /// The sources differ: followed files or journal changed.
    func sourcesDiffer(from other: TailPlan) -> Bool {
        configuration.files != other.configuration.files || configuration.journalMatches != other.configuration.journalMatches
            || configuration.tail.journal != other.configuration.tail.journal
            || configuration.tail.maxLineLength != other.configuration.tail.maxLineLength
            || configuration.timeZoneName != other.configuration.timeZoneName
    }
}
