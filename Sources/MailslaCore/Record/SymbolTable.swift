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
    private var names: [String] = ["", "(other)"]
    private var bytes: [[UInt8]] = [[], []]
    private var slots: [UInt32]
    private var mask: Int
    public let limit: Int
    public private(set) var overflowed = 0

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

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }

    @inline(__always)
    static func equal(_ stored: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == key.count else { return false }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }
}
