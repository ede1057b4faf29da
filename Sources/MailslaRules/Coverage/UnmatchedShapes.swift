import MailslaCore

/// How often each shape of unmatched message occurred, per program: what
/// `rules coverage` lists so that a rule author sees which lines the pack
/// misses, most frequent first. The classifier fills it when asked to
/// (`Classifier.collectUnmatchedShapes`); it is off on the hot path.
///
/// Bounded: at most `limit` shapes are kept. When the table is full, the
/// rarest quarter of the shapes is dropped (lossy counting) and their lines
/// are counted in `untrackedLines`; counts stay exact for shapes that were
/// never dropped, which in practice are the frequent ones.
public struct UnmatchedShapes: Sendable {
    /// One shape: the program, the masked message, how many lines had it, and the first such message.
    public struct Entry: Sendable, Equatable {
        public var program: Symbol
        public var shape: [UInt8]
        public var count: Int
        /// The first message of this shape, cut at `exampleLength` bytes.
        public var example: [UInt8]
    }

    struct Key: Hashable {
        var program: Symbol
        var shape: [UInt8]
    }

    public static let defaultLimit = 10_000
    public static let exampleLength = 300

    public let limit: Int
    /// Unmatched lines seen.
    public private(set) var lines = 0
    /// Lines whose shape was dropped from the full table (their counts are lost).
    public private(set) var untrackedLines = 0
    /// Shapes dropped from the full table.
    public private(set) var droppedShapes = 0
    private var index: [Key: Int] = [:]
    private var entries: [Entry] = []
    private var scratch: [UInt8] = []

    public init(limit: Int = UnmatchedShapes.defaultLimit) {
        self.limit = max(limit, 4)
    }

    /// Shapes kept now.
    public var count: Int { entries.count }

    /// Counts one unmatched message of `program`.
    public mutating func add(program: Symbol, message: UnsafeBufferPointer<UInt8>) {
        lines += 1
        MessageShape.mask(message, into: &scratch)
        let key = Key(program: program, shape: scratch)
        if let i = index[key] {
            entries[i].count += 1
            return
        }
        if entries.count >= limit { prune() }
        index[key] = entries.count
        entries.append(Entry(program: program, shape: key.shape, count: 1,
                             example: Array(message.prefix(Self.exampleLength))))
    }

    /// The `n` most frequent shapes, most frequent first (ties: program, then shape).
    public func top(_ n: Int) -> [Entry] {
        Array(entries.sorted { a, b in
            if a.count != b.count { return a.count > b.count }
            if a.program != b.program { return a.program < b.program }
            return a.shape.lexicographicallyPrecedes(b.shape)
        }.prefix(n))
    }

    /// Drops every shape whose count is at most that of the rarest quarter.
    private mutating func prune() {
        let counts = entries.map(\.count).sorted()
        let cut = counts[counts.count / 4]
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            if entry.count <= cut {
                untrackedLines += entry.count
                droppedShapes += 1
            } else {
                kept.append(entry)
            }
        }
        entries = kept
        index.removeAll(keepingCapacity: true)
        for (i, entry) in entries.enumerated() { index[Key(program: entry.program, shape: entry.shape)] = i }
    }
}
