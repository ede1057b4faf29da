/// Client and relay addresses parsed from log text, remembered by their text:
/// the same few hundred addresses come back on line after line (a bot's
/// connects, the content filter's loopback hop, the mailbox server), and
/// parsing one costs far more than finding it.
///
/// Direct-mapped, 256 entries; a text of 8 to 16 bytes is held exactly as its
/// first and last eight bytes (which overlap) and its length, so a hit is
/// always right. Shorter and longer texts are parsed every time. Not part of
/// the detectors' state: it only saves work.
struct AddressCache {
    private struct Entry {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var length = -1
        var address: IPAddress?
    }

    private var entries = [Entry](repeating: Entry(), count: 256)

    /// `IPAddress(bytes:)`, from the cache when the same text was parsed before.
    @inline(__always)
    mutating func address(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard bytes.count >= 8, bytes.count <= 16, let base = bytes.baseAddress else { return IPAddress(bytes: bytes) }
        let raw = UnsafeRawPointer(base)
        let first = raw.loadUnaligned(as: UInt64.self)
        let last = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        let mixed = ((first ^ last &* 0x9e37_79b9_7f4a_7c15) &+ UInt64(bytes.count)) &* 0xff51_afd7_ed55_8ccd
        let i = Int(truncatingIfNeeded: mixed >> 56)
        let hit = entries.withUnsafeBufferPointer { e in
            e[i].first == first && e[i].last == last && e[i].length == bytes.count ? e[i].address : nil as IPAddress??
        }
        if let hit { return hit }
        let address = IPAddress(bytes: bytes)
        entries[i] = Entry(first: first, last: last, length: bytes.count, address: address)
        return address
    }
}
