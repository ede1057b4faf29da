#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns names seen in logs (hosts, programs) without allocating per lookup.
///
/// Bounded: past `limit` distinct names every new one maps to `Symbol.overflow`
/// and is counted, so garbage input cannot grow memory without end.
/// Not thread-safe: one pipeline owns one table.
public final class SymbolTable {
    // Unchecked exclusivity: the table is confined to one pipeline, and the dynamic
    // checks cost more than the lookup itself on the per-line path.
    @exclusivity(unchecked) private var names: [String] = ["", "(other)"]
    @exclusivity(unchecked) var bytes: [[UInt8]] = [[], []]
    @exclusivity(unchecked) private var slots: [UInt32]
    @exclusivity(unchecked) private var mask: Int
    public let limit: Int
    public internal(set) var overflowed = 0

    /// A small direct-mapped cache in front of the hash table: log lines repeat the same few
    /// hosts and programs, so most lookups end after one short memcmp.
    @exclusivity(unchecked) private var recent: [UInt32] = Array(repeating: 0, count: 256)

    public init(limit: Int = 8192) {
        self.limit = limit
        slots = Array(repeating: 0, count: 64)
        mask = 63
    }

    public var count: Int { names.count }

    public func name(_ symbol: Symbol) -> String { names[Int(symbol.raw)] }

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
        if cached != 0, Self.equal(bytes[Int(cached)], key) { return Symbol(raw: cached) }
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
            if Self.equal(bytes[Int(index)], key) { return Symbol(raw: index) }
            h &+= 1
        }
    }

    private func insert(_ key: UnsafeBufferPointer<UInt8>, slot: Int) -> Symbol {
        guard names.count < limit else {
            overflowed += 1
            return .overflow
        }
        let index = UInt32(names.count)
        bytes.append(Array(key))
        names.append(String(decoding: key, as: UTF8.self))
        slots[slot] = index
        if names.count * 2 > slots.count { grow() }
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

    @inline(__always)
    static func equal(_ stored: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == key.count else { return false }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }
}
