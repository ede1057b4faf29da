/// One rule's pattern as the pack compile needs it: expanded with its file's
/// fragments, compiled (JIT), and analysed for the classifier's cheap tests
/// before PCRE2. None of it depends on another rule, so `RuleSet` builds these
/// for the whole pack on both cores before its checks take the rules in order.
struct CompiledRulePattern {
    enum Outcome {
        case unexpanded(PatternExpander.Failure)
        case uncompiled(CompiledPattern.Failure)
        case compiled(CompiledPattern)
    }

    let outcome: Outcome
    /// The bytes a match can start with (`PatternSyntax.firstBytes`; every byte when unknown).
    let firstBytes: ByteSet
    /// The literal groups worth testing before PCRE2 (`LiteralPrefilter.choose`).
    let prefilter: [PatternSyntax.Requirement]

    init(_ pattern: String, expander: PatternExpander) {
        (outcome, firstBytes, prefilter) = Self.compile(pattern, expander)
    }

    private static func compile(_ pattern: String, _ expander: PatternExpander) -> (Outcome, ByteSet, [PatternSyntax.Requirement]) {
        let expanded: String
        do {
            expanded = try expander.expand(pattern)
        } catch {
            return (.unexpanded(error), .all, [])
        }
        let compiled: CompiledPattern
        do {
            compiled = try CompiledPattern(expanded)
        } catch {
            return (.uncompiled(error), .all, [])
        }
        // The syntax is read only from a pattern PCRE2 accepted, as it assumes.
        let syntax = PatternSyntax(expanded)
        return (.compiled(compiled), syntax.firstBytes ?? .all, LiteralPrefilter.choose(syntax.requirements))
    }
}
