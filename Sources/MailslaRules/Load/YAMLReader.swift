import Yams

/// Walks a composed YAML tree strictly: unknown keys and wrong types are
/// errors that name the file and line, so a typo never silently drops a rule.
public struct YAMLReader {
    public let file: String

    public init(file: String) { self.file = file }

    public func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    public func fail(_ node: Node?, _ message: String, rule: String? = nil) -> RuleError {
        RuleError(file: file, line: node.map(line), ruleID: rule, message: message)
    }

    /// The pairs of a mapping, refusing keys outside `allowed`.
    public func mapping(_ node: Node, allowed: Set<String>, what: String, rule: String? = nil) throws -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping", rule: rule) }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw fail(key, "keys must be plain strings", rule: rule) }
            guard allowed.contains(name) else {
                throw fail(key, "unknown key '\(name)' in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))", rule: rule)
            }
            guard out[name] == nil else { throw fail(key, "key '\(name)' appears twice", rule: rule) }
            out[name] = value
        }
        return out
    }

    /// A mapping whose keys are free names (fragments, kinds, fields) and whose values are strings.
    public func stringMap(_ node: Node, what: String) throws -> [(String, String, Int)] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of names to strings") }
        return try mapping.map { key, value in
            guard let name = key.scalar?.string, let text = value.scalar?.string else {
                throw fail(key, "\(what): every entry must be NAME: string")
            }
            return (name, text, line(key))
        }
    }

    public func string(_ node: Node?, _ what: String, rule: String? = nil) throws -> String {
        guard let node, let scalar = node.scalar else { throw fail(node, "\(what) must be a string", rule: rule) }
        return scalar.string
    }

    public func sequence(_ node: Node?, _ what: String, rule: String? = nil) throws -> [Node] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw fail(node, "\(what) must be a list", rule: rule) }
        return Array(sequence)
    }
}
