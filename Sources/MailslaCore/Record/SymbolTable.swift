/// Interns names seen in logs (hosts, programs) without allocating per lookup.
///
/// Bounded: past `limit` distinct names every new one maps to `Symbol.overflow`
/// and is counted, so garbage input cannot grow memory without end.
/// One thread interns. Other threads may call `name(_:)` for any symbol that was
/// handed to them after it was interned (through a lock or queue, which orders the
/// write before the read): names live in storage allocated once for `limit` slots,
/// never moved, and each slot is written once before its symbol exists.
public final class SymbolTable: @unchecked Sendable {
    // Unchecked exclusivity: the table is confined to one interning thread, and the dynamic
    // checks cost more than the lookup itself on the per-line path.
    private let names: UnsafeMutablePointer<String>
    @exclusivity(unchecked) private var nameCount = 2
    @exclusivity(unchecked) var bytes: [[UInt8]] = [[], []]
    @exclusivity(unchecked) private var slots: [UInt32]
    @exclusivity(unchecked) private var mask: Int
    public let limit: Int
    public internal(set) var overflowed = 0

    /// A small direct-mapped cache in front of the hash table: log lines repeat the same few
    /// hosts and programs, so most lookups end after one short comparison.
    private let recent: UnsafeMutablePointer<UInt32>
    /// Each symbol's bytes in raw memory (a copy of `bytes`, whose nested arrays cost
    /// reference counting on every comparison): start and length per id, 0 for the fixed two.
    private let keyStarts: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    private let keyLengths: UnsafeMutablePointer<Int>

    public init(limit: Int = 8192) {
        self.limit = max(limit, 2)
        names = .allocate(capacity: self.limit)
        names.initialize(to: "")
        (names + 1).initialize(to: "(other)")
        slots = Array(repeating: 0, count: 64)
        mask = 63
        recent = .allocate(capacity: 256)
        recent.initialize(repeating: 0, count: 256)
        keyStarts = .allocate(capacity: self.limit)
        keyStarts.initialize(repeating: nil, count: self.limit)
        keyLengths = .allocate(capacity: self.limit)
        keyLengths.initialize(repeating: 0, count: self.limit)
    }

    deinit {
        for index in 2..<nameCount { keyStarts[index]?.deallocate() }
        keyStarts.deallocate()
        keyLengths.deallocate()
        recent.deallocate()
        names.deinitialize(count: nameCount)
        names.deallocate()
    }

    /// Symbols interned so far (the interning thread's view).
    public var count: Int { nameCount }

    public func name(_ symbol: Symbol) -> String {
        precondition(Int(symbol.raw) < limit, "symbol \(symbol.raw) is not from this table")
        return names[Int(symbol.raw)]
    }

    /// The exact bytes `symbol` was interned from (empty for `.none` and `.overflow`), for
    /// re-interning a name in another table. Other threads may call it under the same rule as
    /// `name(_:)`: each symbol's copy is written once, before the symbol exists, and never moves.
    public func bytes(of symbol: Symbol) -> UnsafeBufferPointer<UInt8> {
        let index = Int(symbol.raw)
        precondition(index < limit, "symbol \(index) is not from this table")
        return UnsafeBufferPointer(start: keyStarts[index], count: keyLengths[index])
    }

    public func intern(_ string: String) -> Symbol {
        var s = string
        return s.withUTF8 { intern($0) }
    }

    @inline(__always)
    public func intern(_ key: UnsafeBufferPointer<UInt8>) -> Symbol {
        if key.isEmpty { return .none }
        let n = key.count
        let probe = (n &* 31 &+ Int(key[0]) &* 7 &+ Int(key[n - 1]) &* 13 &+ Int(key[n >> 1])) & 255
        let cached = recent[probe]
        if cached != 0, matches(Int(cached), key) { return Symbol(raw: cached) }
        let symbol = lookup(key)
        if symbol != .overflow { recent[probe] = symbol.raw }
        return symbol
    }

    private func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Symbol {
        var h = Self.hash(key)
        while true {
            let slot = Int(truncatingIfNeeded: h) & mask
            let index = slots[slot]
            if index == 0 { return insert(key, slot: slot) }
            if matches(Int(index), key) { return Symbol(raw: index) }
            h &+= 1
        }
    }

    private func insert(_ key: UnsafeBufferPointer<UInt8>, slot: Int) -> Symbol {
        guard nameCount < limit else {
            overflowed += 1
            return .overflow
        }
        let index = UInt32(nameCount)
        bytes.append(Array(key))
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: key.count)
        copy.initialize(from: key.baseAddress!, count: key.count)
        keyStarts[nameCount] = copy
        keyLengths[nameCount] = key.count
        (names + nameCount).initialize(to: String(decoding: key, as: UTF8.self))
        nameCount += 1
        slots[slot] = index
        if nameCount * 2 > slots.count { grow() }
        return Symbol(raw: index)
    }

    private func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for index in 2..<bytes.count {
            bytes[index].withUnsafeBufferPointer { key in
                var h = Self.hash(key)
                while slots[Int(truncatingIfNeeded: h) & mask] != 0 { h &+= 1 }
                slots[Int(truncatingIfNeeded: h) & mask] = UInt32(index)
            }
        }
    }

    /// A multiplicative hash over 8-byte words (names are short; this is a table index, not a defence).
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(key)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The length of `symbol`'s name when the `available` bytes at `p` begin with that name and then
    /// `next`; nil otherwise. Lets the parser confirm "the same name as the previous line" without
    /// finding the word's end or hashing it.
    @inline(__always)
    func nameLength(of symbol: Symbol, at p: UnsafePointer<UInt8>, available: Int, then next: UInt8) -> Int? {
        let index = Int(symbol.raw)
        let n = keyLengths[index]
        guard n > 0, n < available, p[n] == next, let stored = keyStarts[index],
              ShortBytes.equal(stored, p, count: n) else { return nil }
        return n
    }

    /// True when symbol `index` (2 or more) is `key`, which is not empty.
    @inline(__always)
    private func matches(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = key.count
        guard keyLengths[index] == n, let stored = keyStarts[index] else { return false }
        return ShortBytes.equal(stored, key.baseAddress!, count: n)
    }
}
