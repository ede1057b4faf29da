extension JSONValue {
    /// On one line, for JSON-lines output.
    public func compact() -> String {
        switch self {
        case .object(let members):
            return "{" + members.map { "\(Self.quote($0.0)):\($0.1.compact())" }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        default:
            return rendered()
        }
    }
}
