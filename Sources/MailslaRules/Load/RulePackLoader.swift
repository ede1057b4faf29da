import Foundation
import Yams

/// Reads a rules directory (`*.yaml` rule files, `taxonomy.yaml`,
/// `fragments.yaml`) into specs, refusing anything it does not understand.
public enum RulePackLoader {
    /// The default location: `rules/` in the working directory, else next to the executable's package.
    public static func load(directory: String) throws -> RulePackSpec {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RulePackErrors(errors: [RuleError(file: directory, message: "no rules directory here (use --rules DIR)")])
        }
        let names = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        return try merge(names.concurrentMap { name in
            let file = path(name, in: directory)
            let text = Result { try String(contentsOfFile: file, encoding: .utf8) }
            return FilePart(name: name, file: file, text: text.mapError { RuleError(file: file, message: "\($0)") })
        }, directory: directory)
    }

    /// Reads rule files already in memory (`name` as in the directory, with its
    /// text or the error reading it): the same checks as `load(directory:)`,
    /// for callers that hold the texts (the rule-file fuzz target).
    public static func load(files named: [(name: String, text: Result<String, any Error>)], directory: String) throws -> RulePackSpec {
        // A reading error becomes the RuleError the file reports (as it would be caught) before the files go to other threads.
        let texts = named.map { name, text in
            (name, text.mapError { $0 as? RuleError ?? RuleError(file: path(name, in: directory), message: "\($0)") })
        }
        return try merge(texts.concurrentMap { FilePart(name: $0.0, file: path($0.0, in: directory), text: $0.1) }, directory: directory)
    }

    static func path(_ name: String, in directory: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// The files' parts one after the other, in name order: a later file's kind,
    /// field, fragment or map of the same name replaces an earlier one's, and
    /// the errors come file by file.
    private static func merge(_ parts: [FilePart], directory: String) throws -> RulePackSpec {
        var errors: [RuleError] = []
        var kinds: [String: String] = [:]
        var fields: [String: String] = [:]
        var fragments: [String: String] = [:]
        var maps: [String: ReasonMapSpec] = [:]
        var files: [RuleFileSpec] = []
        for part in parts {
            for (k, v, _) in part.kinds { kinds[k] = v }
            for (k, v, _) in part.fields { fields[k] = v }
            for (k, v, _) in part.fragments { fragments[k] = v }
            for map in part.maps { maps[map.name] = map }
            if let ruleFile = part.ruleFile { files.append(ruleFile) }
            if let error = part.error { errors.append(error) }
        }
        if kinds.isEmpty { errors.append(RuleError(file: path("taxonomy.yaml", in: directory), message: "no event kinds: the taxonomy is missing or empty")) }
        guard errors.isEmpty else { throw RulePackErrors(errors: errors) }
        return RulePackSpec(directory: directory, files: files, fragments: fragments, maps: maps, kinds: kinds, fields: fields)
    }

    /// What one file adds to the pack, read apart from the other files so that
    /// they can be read on both cores. `error` is where reading stopped; what
    /// the file gave before it still counts, as when files were read in one loop.
    private struct FilePart {
        var kinds: [(String, String, Int)] = []
        var fields: [(String, String, Int)] = []
        var fragments: [(String, String, Int)] = []
        var maps: [ReasonMapSpec] = []
        var ruleFile: RuleFileSpec?
        var error: RuleError?

        init(name: String, file: String, text content: Result<String, RuleError>) {
            do {
                let text = try content.get()
                let node: Node?
                do {
                    // UTF-8 named, else Yams reads the whole environment for every file to choose.
                    node = try Yams.compose(yaml: text, Resolver.basic, .default, .utf8)
                } catch {
                    throw RuleError(file: file, message: "YAML error: \(error)")
                }
                guard let node else { throw RuleError(file: file, message: "the file is empty") }
                let reader = YAMLReader(file: file)
                switch name {
                case "taxonomy.yaml", "taxonomy.yml":
                    let top = try reader.mapping(node, allowed: ["kinds", "fields"], what: "the taxonomy")
                    kinds = try top["kinds"].map { try reader.stringMap($0, what: "kinds") } ?? []
                    fields = try top["fields"].map { try reader.stringMap($0, what: "fields") } ?? []
                case "fragments.yaml", "fragments.yml":
                    let top = try reader.mapping(node, allowed: ["fragments", "maps"], what: "fragments.yaml")
                    fragments = try top["fragments"].map { try reader.stringMap($0, what: "fragments") } ?? []
                    if let mapsNode = top["maps"] {
                        guard let mapping = mapsNode.mapping else { throw reader.fail(mapsNode, "maps must be a mapping") }
                        for (key, value) in mapping {
                            let mapName = try reader.string(key, "a map name")
                            maps.append(try loadMap(mapName, value, reader))
                        }
                    }
                default:
                    ruleFile = try loadRuleFile(node, reader)
                }
            } catch let error as RuleError {
                self.error = error
            } catch {
                self.error = RuleError(file: file, message: "\(error)")
            }
        }
    }

    static func loadMap(_ name: String, _ node: Node, _ reader: YAMLReader) throws -> ReasonMapSpec {
        let top = try reader.mapping(node, allowed: ["default", "entries"], what: "map \(name)")
        let defaultLabel = try top["default"].map { try reader.string($0, "default") } ?? "other"
        var entries: [(String, String, Int)] = []
        for entry in try reader.sequence(top["entries"], "entries of map \(name)") {
            let e = try reader.mapping(entry, allowed: ["regex", "label"], what: "an entry of map \(name)")
            entries.append((try reader.string(e["regex"], "regex"), try reader.string(e["label"], "label"), reader.line(entry)))
        }
        return ReasonMapSpec(name: name, defaultLabel: defaultLabel, entries: entries)
    }

    /// The keys of a rule and of an example, built once rather than for each of the pack's hundreds.
    private static let ruleKeys: Set<String> = ["id", "event", "pattern", "requires", "transforms", "examples", "non_matches"]
    private static let exampleKeys: Set<String> = ["line", "fields"]

    static func loadRuleFile(_ node: Node, _ reader: YAMLReader) throws -> RuleFileSpec {
        let top = try reader.mapping(node, allowed: ["name", "programs", "fragments", "rules"], what: "a rule file")
        let programs = try reader.sequence(top["programs"], "programs").map { try reader.string($0, "a program glob") }
        if programs.isEmpty { throw reader.fail(node, "a rule file must name its programs") }
        var fragments: [String: String] = [:]
        for (k, v, _) in try top["fragments"].map({ try reader.stringMap($0, what: "fragments") }) ?? [] { fragments[k] = v }
        var rules: [RuleSpec] = []
        for ruleNode in try reader.sequence(top["rules"], "rules") {
            let r = try reader.mapping(ruleNode, allowed: ruleKeys, what: "a rule")
            let id = try reader.string(r["id"], "id")
            let event = try reader.string(r["event"], "event", rule: id)
            let pattern = try reader.string(r["pattern"], "pattern", rule: id)
            var transforms: [String: FieldTransform] = [:]
            for (field, text, line) in try r["transforms"].map({ try reader.stringMap($0, what: "transforms") }) ?? [] {
                guard let transform = FieldTransform.parse(text) else {
                    throw RuleError(file: reader.file, line: line, ruleID: id,
                                    message: "unknown transform '\(text)' (use number, seconds, delays, lower or map(NAME))")
                }
                transforms[field] = transform
            }
            var examples: [RuleExample] = []
            for exampleNode in try reader.sequence(r["examples"], "examples", rule: id) {
                let e = try reader.mapping(exampleNode, allowed: exampleKeys, what: "an example", rule: id)
                let line = SourceLine(text: try reader.string(e["line"], "line", rule: id), line: reader.line(exampleNode))
                var fields: [String: String] = [:]
                if let fieldNode = e["fields"] {
                    guard let mapping = fieldNode.mapping else { throw reader.fail(fieldNode, "fields must be a mapping", rule: id) }
                    for (k, v) in mapping {
                        guard let key = k.scalar?.string, let value = v.scalar?.string else {
                            throw reader.fail(k, "fields: every entry must be NAME: value", rule: id)
                        }
                        fields[key] = value
                    }
                }
                examples.append(RuleExample(line: line, fields: fields))
            }
            let requires = try reader.sequence(r["requires"], "requires", rule: id).map { node -> String in
                let literal = try reader.string(node, "a required literal", rule: id)
                guard !literal.isEmpty else { throw reader.fail(node, "a required literal must not be empty", rule: id) }
                return literal
            }
            let nonMatches = try reader.sequence(r["non_matches"], "non_matches", rule: id).map {
                SourceLine(text: try reader.string($0, "a non-matching line", rule: id), line: reader.line($0))
            }
            rules.append(RuleSpec(id: id, event: event, pattern: pattern, requires: requires, transforms: transforms, examples: examples,
                                  nonMatches: nonMatches, file: reader.file, line: reader.line(ruleNode)))
        }
        return RuleFileSpec(path: reader.file, programs: programs, fragments: fragments, rules: rules)
    }
}
