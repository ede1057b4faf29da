import MailslaCore

/// Remembers the symbols of recently seen names (programs, hosts) in front of a `SymbolTable`.
///
/// Journal entries repeat a handful of names, and interning each one hashes its
/// bytes and probes the table (with the exclusivity checks of a class) once per
/// entry and field. Here a hit costs one short comparison with the stored copy,
/// so a slot can never answer for other bytes, whatever libsystemd's pointers do.
/// A miss falls through to the table. Fixed memory; not thread-safe (one per reader).
final class RecentNames {
    private static let slotCount = 64
    /// Longer names are not cached.
    private static let width = 64

    private let table: SymbolTable
    private let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount * width)
    /// 0 marks an empty slot (the empty name never reaches the cache).
    private let lengths = UnsafeMutablePointer<Int>.allocate(capacity: slotCount)
    private let symbols = UnsafeMutablePointer<Symbol>.allocate(capacity: slotCount)

    init(_ table: SymbolTable) {
        self.table = table
        lengths.initialize(repeating: 0, count: Self.slotCount)
        symbols.initialize(repeating: .none, count: Self.slotCount)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        symbols.deallocate()
    }

    /// The same symbol `table.intern(name)` gives.
    @inline(__always)
    func symbol(_ name: UnsafeBufferPointer<UInt8>) -> Symbol {
        let n = name.count
        guard n > 0, n <= Self.width, let start = name.baseAddress else { return table.intern(name) }
        // The length and two bytes tell the usual names apart well enough; a collision only costs a miss.
        let slot = (n &* 0x9E37 ^ Int(start[n - 1]) &* 0x2F ^ Int(start[n >> 1]) &* 0x61) & (Self.slotCount - 1)
        let stored = bytes + slot * Self.width
        if lengths[slot] == n && ShortBytes.equal(stored, start, count: n) { return symbols[slot] }
        let symbol = table.intern(name)
        // An overflowed name stays uncached so the table keeps counting every one.
        if symbol != .overflow {
            stored.update(from: start, count: n)
            lengths[slot] = n
            symbols[slot] = symbol
        }
        return symbol
    }
}
