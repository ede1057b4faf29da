import MailslaCore
import Testing
@testable import MailslaRules

/// The literal prefilter: what it derives from a pattern, and that it never
/// skips a line the pattern matches.
@Suite struct ClassifierPrefilterTests {
    typealias Literal = PatternSyntax.Literal

    /// The requirements as text: "literal@offset" (or "@*": anywhere), alternatives joined by "|".
    func requirements(_ pattern: String) -> [String] {
        PatternSyntax(pattern).requirements.map { requirement in
            requirement.map { "\(String(decoding: $0.bytes, as: UTF8.self))@\($0.offset.map(String.init) ?? "*")" }
                .joined(separator: "|")
        }
    }

    @Test func literalsAndTheirOffsets() {
        #expect(requirements(#"^connect from (?<h>\S+)$"#) == ["connect from @0"])
        // After a variable-width queue id the offset is unknown.
        #expect(requirements(#"^(?<q>[0-9A-F]{6,12}): removed$"#) == [": removed@*"])
        // A group of one alternative continues the run; a choice gives one of its literals.
        #expect(requirements(#"^(?<action>terminating) on signal [0-9]+$"#) == ["terminating on signal @0"])
        #expect(requirements(#"^(?:abc|de)fg"#) == ["abc@0|de@0", "fg@*"])
        #expect(requirements(#"^(?<a>ab|cd)x{2}y"#) == ["ab@0|cd@0", "xxy@2"])
        // Optional parts and lookarounds end a run; a lookahead is zero width.
        #expect(requirements(#"^x(?:y)?z"#) == ["x@0", "z@*"])
        #expect(requirements(#"^a(?=bc)d"#) == ["a@0", "d@1"])
        #expect(requirements(#"^a(?!bc)[0-9]{3}de"#) == ["a@0", "de@4"])
        // A repeated group: its first repetition is required, what follows floats.
        #expect(requirements(#"^(?:ab)+c"#) == ["ab@0", "c@*"])
        // Unanchored: literals anywhere; a top-level choice is one requirement.
        #expect(requirements(#"foo [0-9]+ bar"#) == ["foo @*", " bar@*"])
        #expect(requirements(#"foo|bar"#) == ["foo@*|bar@*"])
        // Nothing certain: an alternative without a literal, case-insensitive letters.
        #expect(requirements(#"^(?:foo|[0-9]+)"#) == [])
        #expect(requirements(#"(?i)^abc"#) == [])
        // Multi-line mode moves ^; \R can take two bytes: no offsets.
        #expect(requirements(#"(?m)^abc"#) == [])
        #expect(requirements(#"^ab\Rcd"#) == ["ab@*", "cd@*"])
        // "{,3}" means different things to different PCRE2 versions.
        #expect(requirements(#"^abc x{,3}"#) == [])
    }

    @Test func theChoiceTakesAFixedLiteralOrALongFloatingOne() {
        let choose = { (p: String) in
            LiteralPrefilter.choose(PatternSyntax(p).requirements).map { r in r.map { String(decoding: $0.bytes, as: UTF8.self) } }
        }
        #expect(choose(#"^connect from (?<h>\S+)$"#) == [["connect from "]])
        #expect(choose(#"^(?<q>[0-9A-F]{6,12}): from=<[^>]*>, size=[0-9]+ \(queue active\)$"#) == [[" (queue active)"]])
        // A literal of one byte at the start is the first-byte dispatch's work; ": " is too common to look for.
        #expect(choose(#"^x[0-9]+: "#) == [])
    }

    /// Every rule of the shipped pack, on its examples and thousands of variations of them:
    /// whenever PCRE2 matches a message, the prefilter lets it through.
    @Test func thePrefilterNeverSkipsAMatchOfTheShippedPack() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        var random = SplitMix64(seed: 20261126)
        var matches = 0, skipped = 0, filtered = 0
        for (index, rule) in rules.rules.enumerated() {
            let prefilter = rules.prefilters[index]
            for example in rule.spec.examples {
                guard let message = Self.message(example.line.text) else { continue }
                var variants = [message]
                for _ in 0..<60 { variants.append(Self.mutate(message, &random)) }
                for variant in variants {
                    variant.withUnsafeBufferPointer { m in
                        let base = m.baseAddress ?? UnsafePointer(bitPattern: 1)!
                        let matched = matcher.match(rule.pattern, base, m.count) == .match
                        let passes = prefilter.passes(base, m.count)
                        if matched { matches += 1 }
                        if matched && !passes { skipped += 1 }
                        if !passes { filtered += 1 }
                    }
                }
            }
        }
        #expect(skipped == 0)
        #expect(matches > 2_000)
        #expect(filtered > 1_000) // it does reject lines
        #expect(rules.prefilters.filter { !$0.groups.isEmpty }.count > rules.rules.count / 2)
    }

    /// The reason maps' entries are tested for their literals before their regexes: on every example
    /// message of the pack and thousands of variations, each map gives the label its regexes alone give.
    @Test func aMapsLiteralTestsNeverChangeALabel() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let matcher = PatternMatcher(maxCaptures: rules.maxCaptures)
        var random = SplitMix64(seed: 20261128)
        var texts: [[UInt8]] = []
        for rule in rules.rules {
            for example in rule.spec.examples {
                guard let message = Self.message(example.line.text) else { continue }
                texts.append(message)
                for _ in 0..<20 { texts.append(Self.mutate(message, &random)) }
            }
        }
        var labelsSeen: [String: Set<String>] = [:]
        var differing = 0, skippedRegexes = 0
        for (name, map) in rules.maps {
            let tests = map.entries.map(\.test)
            for text in texts {
                text.withUnsafeBufferPointer { value in
                    let base = value.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    var alone = map.defaultLabel
                    for (pattern, label, _) in map.entries where matcher.match(pattern, base, value.count) == .match {
                        alone = label
                        break
                    }
                    for test in tests where !test.groups.isEmpty && !test.passes(base, value.count) { skippedRegexes += 1 }
                    let label = rules.label(map: name, value: value, matcher: matcher)
                    if label != alone { differing += 1 }
                    labelsSeen[name, default: []].insert(label)
                }
            }
        }
        #expect(differing == 0)
        #expect(texts.count > 5_000)
        #expect(skippedRegexes > 50_000) // the tests do spare regex runs
        #expect(labelsSeen["reject_reason"]?.count ?? 0 >= 5)
        #expect(labelsSeen["delivery_reason"]?.count ?? 0 >= 5)
        #expect(rules.maps.values.flatMap(\.entries).filter { !$0.test.groups.isEmpty }.count > 30)
    }

    /// A rule on a compiled program is tested first for its `requires:` literals alone: the derived
    /// ones are left to the program, which rejects a line without them as early. A rule on PCRE2
    /// keeps every literal test (`PrefilterTests` checks that side).
    @Test func aRuleOnAProgramIsTestedOnlyForItsRequiredLiterals() throws {
        let rules = try RuleSet(directory: ShippedPackTests.directory)
        let onPrograms = rules.rules.indices.filter { rules.rules[$0].pattern.program != nil }
        #expect(onPrograms.count > rules.rules.count / 2)
        #expect(onPrograms.allSatisfy { rules.requiredPrefilters[$0].groups.count == (rules.rules[$0].spec.requires.isEmpty ? 0 : 1) })
        let removed = try #require(rules.rules.firstIndex { $0.id == "postfix.qmgr.removed" })
        #expect(rules.rules[removed].pattern.program != nil)
        #expect(!rules.prefilters[removed].groups.isEmpty) // ": removed" is derived from its pattern
        let symbols = SymbolTable()
        var classifier = Classifier(rules: rules, symbols: symbols)
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        let miss = RuleVerifier(rules: rules).explain("Mar 14 00:08:36 mx1 postfix/qmgr[3066]: 4Qx7Kd2mN5z3tBr: remove",
                                                      parser: &parser, classifier: &classifier)
        #expect(miss.ruleID == nil)
        // The program ran (and failed) where the derived ": removed" test would have skipped it.
        #expect(classifier.counters.tries[removed] == 1)
        #expect(classifier.counters.hits[removed] == 0)
    }

    /// The message of a syslog line: what follows the first "]: " or, without a pid, the tag's ": ".
    static func message(_ line: String) -> [UInt8]? {
        let bytes = Array(line.utf8)
        guard bytes.count > 16 else { return nil }
        var i = 16 // past the timestamp
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: " ") { return Array(bytes[(i + 2)...]) }
            i += 1
        }
        return nil
    }

    /// One small random change: a byte deleted, doubled or replaced by another byte of the
    /// message, or the end cut off.
    static func mutate(_ message: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        guard !message.isEmpty else { return message }
        var m = message
        let at = Int(random.next() % UInt64(m.count))
        switch random.next() % 4 {
        case 0: m.remove(at: at)
        case 1: m.insert(m[at], at: at)
        case 2: m[at] = m[Int(random.next() % UInt64(m.count))]
        default: m.removeLast(Int(random.next() % UInt64(min(m.count, 8))))
        }
        return m
    }
}
