/// A key folded into one word, hashed for a `Dictionary` or a `Set` without a `Hasher` run: the
/// word and the table's seed through MurmurHash3's 64-bit finalizer. SipHash's set-up and
/// finalization cost ~150 instructions per lookup, and some keys (queue ids, a client address)
/// are looked up on every line. No weaker against crafted collisions than the folded word through
/// `Hasher`: the fold decides which keys collide either way. A key's `hash(into:)` should combine
/// the same word, so that both hashes agree on which keys are equal candidates.
public enum WordHash {
    @inline(__always)
    public static func raw(_ word: UInt64, seed: Int) -> Int {
        var x = word ^ UInt64(UInt(bitPattern: seed))
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return Int(Int64(bitPattern: x))
    }

    /// Bytes folded into one word, eight at a time (the last word overlapping the one before it):
    /// a few instructions per word. Equal bytes give equal words; collisions only cost a comparison.
    @inline(__always)
    public static func fold(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        guard n >= 8 else {
            var w: UInt64 = 0
            for i in 0..<n { w |= UInt64(bytes[i]) << (8 * UInt64(i)) }
            return (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        }
        var i = 0
        while i + 8 < n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        h = (h ^ bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 32
        return h
    }
}
