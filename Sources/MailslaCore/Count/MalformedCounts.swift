/// Lines dropped by the parser, by reason.
public struct MalformedCounts: Sendable, Equatable {
    public internal(set) var byReason = [Int](repeating: 0, count: MalformedReason.allCases.count)

    public init() {}

    @inline(__always)
    public mutating func add(_ reason: MalformedReason, _ count: Int = 1) { byReason[reason.rawValue] += count }

    public var total: Int { byReason.reduce(0, +) }

    public subscript(reason: MalformedReason) -> Int { byReason[reason.rawValue] }

    public static func += (a: inout MalformedCounts, b: MalformedCounts) {
        for i in a.byReason.indices { a.byReason[i] += b.byReason[i] }
    }
}
