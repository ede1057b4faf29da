import CPCRE2
import CRulePrograms

/// The patterns compiled ahead of time into `CRulePrograms`, by their text. A rule
/// whose expanded pattern is not byte for byte one of them (an operator's edit,
/// a pack of one's own) runs on PCRE2 alone, as before; so does every rule when the
/// system's PCRE2 was built with a newline other than LF, which the programs assume
/// for `.` and `$`.
enum RuleProgramTable {
    private static let programs: [String: rule_program_match] = {
        var table: [String: rule_program_match] = [:]
        guard newlineIsLF else { return table }
        for index in 0..<rule_program_count {
            let entry = rule_program_list[index]
            guard let text = entry.pattern, let match = entry.match else { continue }
            let pattern = String(decoding: UnsafeRawBufferPointer(start: text, count: entry.length), as: UTF8.self)
            table[pattern] = match
        }
        return table
    }()

    static func program(for pattern: String) -> rule_program_match? { programs[pattern] }

    /// The most offsets any program writes: a matcher's offset vector holds at least this many.
    static let maxSlots = (0..<rule_program_count).map { rule_program_list[$0].slots }.max() ?? 0

    private static var newlineIsLF: Bool {
        var newline: UInt32 = 0
        return pcre2_config_8(UInt32(PCRE2_CONFIG_NEWLINE), &newline) >= 0 && newline == UInt32(PCRE2_NEWLINE_LF)
    }
}
