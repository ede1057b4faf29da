/// FNV-1a over bytes with ASCII folded to lower case: the identity of a user
/// name or a mail address in the detector tables. Never 0 (0 means "none").
///
/// The values are stored in snapshots, so they must never change; only how
/// they are computed may. Mail addresses and queue ids are hashed on every
/// flow event, so whole words are folded to lower case at once (eight bytes
/// in a few integer operations) and only the multiply chain runs per byte.
enum NameHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    @inline(__always)
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = seed) -> UInt64 {
        var h = seed
        let n = bytes.count
        if n >= 8, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= n {
                h = step(h, word: lowered(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))), bytes: 8)
                i &+= 8
            }
            if i < n {
                // The last eight bytes, less those already hashed.
                let rest = n &- i
                let word = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                h = step(h, word: lowered(UInt64(littleEndian: word) >> UInt64(8 &* (8 &- rest))), bytes: rest)
            }
        } else {
            for var c in bytes {
                if c >= 65 && c <= 90 { c |= 0x20 }
                h = (h ^ UInt64(c)) &* prime
            }
        }
        return h == 0 ? 1 : h
    }

    /// Hashes the low `bytes` bytes of `word`, lowest first (the order they had in memory).
    @inline(__always)
    private static func step(_ hash: UInt64, word: UInt64, bytes: Int) -> UInt64 {
        var h = hash, w = word
        for _ in 0..<bytes {
            h = (h ^ (w & 0xFF)) &* prime
            w >>= 8
        }
        return h
    }

    /// Eight bytes with `A`–`Z` turned into `a`–`z` (bytes of 128 and above untouched).
    @inline(__always)
    private static func lowered(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let low7 = w & ~high
        // A byte's high bit: its low seven bits are at least 65, at least 91 (no carry leaves a byte).
        let atLeastA = low7 &+ ones &* (128 - 65)
        let pastZ = low7 &+ ones &* (128 - 91)
        let upper = atLeastA & ~pastZ & ~w & high
        return w | upper >> 2
    }

    /// Mixes a small value into a hash (a host, a tag).
    @inline(__always)
    static func mix(_ h: UInt64, _ value: UInt64) -> UInt64 {
        var x = h ^ (value &+ 0x9e37_79b9_7f4a_7c15)
        x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
        x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
        x ^= x >> 31
        return x == 0 ? 1 : x
    }
}
