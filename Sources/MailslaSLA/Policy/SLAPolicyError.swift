/// What is wrong with a policy, each problem saying what to change.
public struct SLAPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) { self.problems = problems }

    public var description: String { "invalid SLA policy: " + problems.joined(separator: "; ") }
}
