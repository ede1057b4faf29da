import CRulePrograms

/// The patterns compiled ahead of time into `CRulePrograms`, by their text. A rule
/// whose expanded pattern is not byte for byte one of them (an operator's edit,
/// a pack of one's own) runs on PCRE2 alone, as before.
enum RuleProgramTable {
    private static let programs: [String: rule_program_match] = {
        var table: [String: rule_program_match] = [:]
        for index in 0..<rule_program_count {
            let entry = rule_program_list[index]
            guard let text = entry.pattern, let match = entry.match else { continue }
            let pattern = String(decoding: UnsafeRawBufferPointer(start: text, count: entry.length), as: UTF8.self)
            table[pattern] = match
        }
        return table
    }()

    static func program(for pattern: String) -> rule_program_match? { programs[pattern] }
}
