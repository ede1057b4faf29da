#ifndef CRULEPROGRAMS_H
#define CRULEPROGRAMS_H

#include <stddef.h>
#include <stdint.h>

/// A shipped pattern compiled ahead of time (`RuleProgramSource` in MailslaRules writes them). Matches
/// `s[0..<n]` from offset 0; writes PCRE2-layout offsets to `slots` and returns 1 on a match, 0 when
/// there is none, -1 when it cannot tell cheaply (the caller then asks PCRE2).
typedef int32_t (*rule_program_match)(const uint8_t *s, size_t n, size_t *slots);

/// The pattern text a program was built from (the rule's pattern with its fragments expanded), and
/// how many offsets it writes (two per capture group, group 0 included): the caller's room.
struct rule_program {
    const char *pattern;
    size_t length;
    rule_program_match match;
    size_t slots;
};

/// `rule_program_count` entries.
extern const struct rule_program *const rule_program_list;
extern const size_t rule_program_count;

#endif
