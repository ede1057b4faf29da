/// A small integer that stands for an interned name (a host or a program), so
/// records stay plain values and comparisons on the hot path are integer ones.
public struct Symbol: Hashable, Sendable, Comparable {
    public let raw: UInt32
    public init(raw: UInt32) { self.raw = raw }
    public static func < (a: Symbol, b: Symbol) -> Bool { a.raw < b.raw }

    /// No name: a record without a host, or a line whose program is unknown.
    public static let none = Symbol(raw: 0)
    /// Stands for every name past the table's limit.
    public static let overflow = Symbol(raw: 1)
}
