import CPCRE2
import MailslaCore

/// One compiled rule: its pattern and what its captures mean.
public struct CompiledRule: Sendable {
    public let id: String
    public let kind: UInt16
    public let pattern: CompiledPattern
    /// Capture group number → field id, for the named groups.
    public let captures: [(group: Int, field: UInt16)]
    public let transforms: [UInt16: FieldTransform]
    public let spec: RuleSpec
    public let fileIndex: Int
}

/// A capture group of a rule and the field it fills.
struct CaptureSlot {
    let group: Int
    let field: UInt16
}

/// A reason map compiled: the first entry whose regex is found in the value gives the label.
///
/// Each entry carries the literal test tried before its regex (`PatternSyntax.requirements`): a
/// reason is tried against the entries in order until one is found, each regex searches the whole
/// reason, and most fail on a missing literal. The tests are raw memory that the `RuleSet` holding
/// the map frees, which is also what applies it (`label(map:value:matcher:)`).
public struct ReasonMap: @unchecked Sendable {
    public let name: String
    public let defaultLabel: String
    let entries: [(pattern: CompiledPattern, label: String, test: LiteralPrefilter)]
    public var labels: [String] { Array(Set(entries.map(\.label) + [defaultLabel])).sorted() }
}

/// The whole pack compiled once into an immutable value that every
/// classifier shares. A pack with any error is refused whole.
public final class RuleSet: @unchecked Sendable {
    public let rules: [CompiledRule]
    public let kinds: [String]
    public let fieldNames: [String]
    public let maps: [String: ReasonMap]
    public let spec: RulePackSpec
    let fileGlobs: [[ProgramGlob]]
    let fileRules: [[Int]]
    public let maxCaptures: Int
    /// The map a (rule, field) goes through, flattened so hot paths need no dictionary or struct copy.
    private let mapNames: [String?]
    /// Each rule's capture groups and fields, apart from `rules` so a match copies no whole rule.
    public let captureLists: [[(group: Int, field: UInt16)]]
    /// Each rule's literal tests before PCRE2: its `requires:` list, then literals every match
    /// of its pattern contains (`PatternSyntax.requirements`), in raw memory this set owns.
    let prefilters: [LiteralPrefilter]
    /// Each rule's `requires:` list alone: what the classifier tests before a rule that has a compiled
    /// program. A program rejects a line without the derived literals about as early as the test for
    /// them would, and most tries match; the derived tests cost 9 % of frame+parse+classify on the
    /// generated corpus and 4 % on the real logs of ../shared/corpus (session 12). `requires:` stays:
    /// the rule author asked for it, and the hand-off rule's saves a whole delivery line's match.
    let requiredPrefilters: [LiteralPrefilter]
    /// Each rule's capture groups and fields in raw memory, for the classifier's hot loop.
    let captureSlots: [UnsafeBufferPointer<CaptureSlot>]
    /// Each rule's possible first bytes (`PatternSyntax.firstBytes`; every byte when unknown).
    let firstBytes: [ByteSet]

    public convenience init(directory: String) throws {
        try self.init(spec: RulePackLoader.load(directory: directory))
    }

    public init(spec: RulePackSpec) throws {
        self.spec = spec
        var errors: [RuleError] = []
        let kinds = spec.kinds.keys.sorted()
        let kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, UInt16($0)) })
        var fields = spec.fields.keys.sorted()
        for f in FieldTransform.delayFields where !fields.contains(f) { fields.append(f) }
        let fieldIndex = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, UInt16($0)) })

        // The maps' regexes compiled on both cores too, then taken in the maps' order.
        var mapPatterns = spec.maps.values.flatMap { $0.entries.map(\.regex) }.concurrentMap { regex in
            Result { () throws(CompiledPattern.Failure) in try CompiledPattern(regex) }
        }[...]
        // Their literal tests need the pack's byte rarity, known once the rules are: the maps are made below.
        var compiledMaps: [String: (defaultLabel: String, entries: [(CompiledPattern, String)])] = [:]
        for (name, map) in spec.maps {
            var entries: [(CompiledPattern, String)] = []
            for entry in map.entries {
                switch mapPatterns.removeFirst() {
                case .success(let pattern):
                    entries.append((pattern, entry.label))
                case .failure(let error):
                    errors.append(RuleError(file: "\(spec.directory)/fragments.yaml", line: entry.line,
                                            message: "map \(name): bad regex: \(error.message)", patternOffset: error.offset))
                }
            }
            compiledMaps[name] = (map.defaultLabel, entries)
        }

        // Every pattern expanded, compiled and analysed on both cores first; the checks below then
        // take the rules one by one in pack order, so ids, indices and errors are as in one loop.
        let expanders = spec.files.map { PatternExpander(fileFragments: $0.fragments, packFragments: spec.fragments) }
        var compiled = spec.files.indices.flatMap { f in spec.files[f].rules.map { (expanders[f], $0.pattern) } }
            .concurrentMap { expander, pattern in CompiledRulePattern(pattern, expander: expander) }[...]

        var rules: [CompiledRule] = []
        var fileRules: [[Int]] = []
        var seen: [String: String] = [:]
        var maxCaptures = 0
        var firstBytes: [ByteSet] = []
        var derived: [[PatternSyntax.Requirement]] = []
        for (fileIndex, file) in spec.files.enumerated() {
            var indices: [Int] = []
            for rule in file.rules {
                let work = compiled.removeFirst()
                func fail(_ message: String, offset: Int? = nil) {
                    errors.append(RuleError(file: file.path, line: rule.line, ruleID: rule.id, message: message, patternOffset: offset))
                }
                if let other = seen[rule.id] {
                    fail("duplicate rule id (also in \(other)): ids must be unique in the pack")
                    continue
                }
                seen[rule.id] = file.path
                guard let kind = kindIndex[rule.event] else {
                    fail("unknown event kind '\(rule.event)': add it to taxonomy.yaml or use an existing one")
                    continue
                }
                if rule.examples.isEmpty { fail("the rule has no positive example: add one under examples") }
                let pattern: CompiledPattern
                switch work.outcome {
                case .unexpanded(.unknownFragment(let name)):
                    fail("unknown fragment %{\(name)}: define it in the file or in fragments.yaml")
                    continue
                case .unexpanded(.unterminated):
                    fail("unterminated %{ in the pattern")
                    continue
                case .unexpanded(.tooDeep(let name)):
                    fail("fragment %{\(name)} nests more than \(PatternExpander.maxDepth) deep (a cycle?)")
                    continue
                case .uncompiled(let error):
                    fail("the pattern does not compile: \(error.message)", offset: error.offset)
                    continue
                case .compiled(let compiled):
                    pattern = compiled
                }
                var captures: [(Int, UInt16)] = []
                for group in pattern.groups {
                    guard let field = fieldIndex[group.name] else {
                        fail("captures unknown field '\(group.name)': add it to taxonomy.yaml fields or rename the group")
                        continue
                    }
                    captures.append((group.number, field))
                }
                var transforms: [UInt16: FieldTransform] = [:]
                for (name, transform) in rule.transforms {
                    guard let field = fieldIndex[name], pattern.groups.contains(where: { $0.name == name }) else {
                        fail("transform for '\(name)', which the pattern does not capture")
                        continue
                    }
                    if case .map(let mapName) = transform, compiledMaps[mapName] == nil {
                        fail("transform map(\(mapName)): no such map in fragments.yaml")
                    }
                    transforms[field] = transform
                }
                maxCaptures = max(maxCaptures, pattern.captureCount)
                firstBytes.append(work.firstBytes)
                derived.append(work.prefilter)
                indices.append(rules.count)
                rules.append(CompiledRule(id: rule.id, kind: kind, pattern: pattern, captures: captures,
                                          transforms: transforms, spec: rule, fileIndex: fileIndex))
            }
            fileRules.append(indices)
        }
        guard errors.isEmpty else { throw RulePackErrors(errors: errors) }
        self.rules = rules
        self.kinds = kinds
        self.fieldNames = fields
        self.fileRules = fileRules
        self.fileGlobs = spec.files.map { $0.programs.map(ProgramGlob.init) }
        self.maxCaptures = maxCaptures
        var mapNames = [String?](repeating: nil, count: rules.count * fields.count)
        for (r, rule) in rules.enumerated() {
            for (field, transform) in rule.transforms {
                if case .map(let name) = transform { mapNames[r * fields.count + Int(field)] = name }
            }
        }
        self.mapNames = mapNames
        captureLists = rules.map { $0.captures }
        self.firstBytes = firstBytes
        let rarity = ByteRarity(lines: rules.flatMap { $0.spec.examples.map(\.line.text) })
        let required: [[PatternSyntax.Requirement]] = rules.map { rule in
            rule.spec.requires.isEmpty ? [] : [rule.spec.requires.map { PatternSyntax.Literal(bytes: Array($0.utf8), offset: nil) }]
        }
        prefilters = zip(required, derived).map { LiteralPrefilter(required: $0, derived: $1, rarity: rarity) }
        requiredPrefilters = required.map { LiteralPrefilter(required: $0, derived: [], rarity: rarity) }
        maps = Dictionary(uniqueKeysWithValues: compiledMaps.map { name, map in
            (name, ReasonMap(name: name, defaultLabel: map.defaultLabel, entries: map.entries.map { pattern, label in
                let test = LiteralPrefilter(required: [], derived: LiteralPrefilter.choose(PatternSyntax(pattern.source).requirements),
                                            rarity: rarity)
                return (pattern, label, test)
            }))
        })
        captureSlots = rules.map { rule in
            let slots = UnsafeMutableBufferPointer<CaptureSlot>.allocate(capacity: rule.captures.count)
            _ = slots.initialize(from: rule.captures.map { CaptureSlot(group: $0.group, field: $0.field) })
            return UnsafeBufferPointer(slots)
        }
    }

    deinit {
        for prefilter in prefilters + requiredPrefilters + maps.values.flatMap({ $0.entries.map(\.test) }) {
            prefilter.deallocate()
        }
        for slots in captureSlots { slots.deallocate() }
    }

    /// The map that turns `field` of `rule` into a label, if the rule has one.
    @inline(__always)
    public func mapName(rule: UInt16, field: UInt16) -> String? {
        mapNames[Int(rule) * fieldNames.count + Int(field)]
    }

    /// The rules a program's lines are tried against, in order: files whose glob names the
    /// program most precisely first (`postfix*/smtpd` before a catch-all `postfix*`), then file order.
    public func ruleIndices(forProgram name: String) -> [Int] {
        var matching: [(file: Int, precision: Int)] = []
        for (i, globs) in fileGlobs.enumerated() {
            let precision = globs.filter { $0.matches(name) }.map(\.precision).max()
            if let precision { matching.append((i, precision)) }
        }
        matching.sort { $0.precision != $1.precision ? $0.precision > $1.precision : $0.file < $1.file }
        return matching.flatMap { fileRules[$0.file] }
    }

    public func kindIndex(_ name: String) -> UInt16? { kinds.firstIndex(of: name).map(UInt16.init) }
    public func fieldIndex(_ name: String) -> UInt16? { fieldNames.firstIndex(of: name).map(UInt16.init) }

    /// Applies a map to a value: the label of the first entry found in it, else the default.
    public func label(map name: String, value: UnsafeBufferPointer<UInt8>, matcher: PatternMatcher) -> String {
        guard let map = maps[name] else { return value.isEmpty ? "" : "other" }
        for (pattern, label, test) in map.entries {
            if let base = value.baseAddress, test.groups.isEmpty || test.passes(base, value.count),
               matcher.match(pattern, base, value.count) == .match { return label }
            if value.isEmpty, matcher.match(pattern, "", 0) == .match { return label }
        }
        return map.defaultLabel
    }
}
