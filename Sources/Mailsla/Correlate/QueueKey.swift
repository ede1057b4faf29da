import MailslaCore

/// A queue id on one host, packed into integers: hashing and comparing it
/// allocates nothing. Postfix queue ids are at most 21 characters; longer
/// input is cut (and cannot be a real id anyway).
struct QueueKey: Hashable {
    let host: Symbol
    let length: UInt8
    let a: UInt64, b: UInt64, c: UInt64

    init(host: Symbol, bytes: UnsafeBufferPointer<UInt8>) {
        self.host = host
        let n = min(bytes.count, 24)
        length = UInt8(n)
        let raw = UnsafeRawBufferPointer(bytes)
        #if _endian(little)
        a = Self.word(raw, 0, n)
        b = Self.word(raw, 8, n)
        c = Self.word(raw, 16, n)
        #else
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
        (a, b, c) = words
        #endif
    }

    /// Bytes `offset..<min(offset + 8, n)` as a little-endian word, zero above them: on a little-endian
    /// machine what copying them into zeroed words gives (the words are in snapshots), by whole-word
    /// loads (the copy was a `memmove` call per key). A short tail is the top of the word that ends
    /// at `n`, shifted down.
    @inline(__always)
    private static func word(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ n: Int) -> UInt64 {
        let k = n - offset
        if k >= 8 { return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        if k <= 0 { return 0 }
        if n >= 8 {
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) >> (8 * UInt64(8 - k))
        }
        var w: UInt64 = 0
        for i in 0..<k { w |= UInt64(raw[offset + i]) << (8 * UInt64(i)) }
        return w
    }

    init(host: Symbol, text: String) {
        var s = text
        self = s.withUTF8 { QueueKey(host: host, bytes: $0) }
    }

    /// The id's words folded with odd multipliers into one (equality still compares every field).
    private var folded: UInt64 {
        a &+ b &* 0x9E37_79B9_7F4A_7C15 &+ c &* 0xC2B2_AE3D_27D4_EB4F
            &+ (UInt64(host.raw) << 8 | UInt64(length)) &* 0x1656_67B1_9E37_79F9
    }

    /// One word into the hasher instead of five.
    func hash(into hasher: inout Hasher) {
        hasher.combine(folded)
    }

    /// What `Dictionary` asks for: the folded word and the table's seed through a 64-bit
    /// finalizer (MurmurHash3's) instead of a whole `Hasher` run (SipHash's set-up and
    /// finalization were ~150 instructions per correlated line). No weaker than `hash(into:)`
    /// against crafted collisions, which the fold decides in both; queue ids are Postfix's
    /// own anyway, not the sender's.
    func _rawHashValue(seed: Int) -> Int {
        var x = folded ^ UInt64(UInt(bitPattern: seed))
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return Int(Int64(bitPattern: x))
    }
}

/// A message-id on one host: the key the correlator links a filter's re-injected copy by.
struct MessageIDKey: Hashable {
    let host: Symbol
    let id: String

    /// The form snapshots store (`"<host> <message-id>"`), so their bytes and order stay as they were.
    var stored: String { "\(host.raw) \(id)" }

    init(host: Symbol, id: String) {
        self.host = host
        self.id = id
    }

    init?(stored: String) {
        guard let space = stored.firstIndex(of: " "), let raw = UInt32(stored[..<space]) else { return nil }
        host = Symbol(raw: raw)
        id = String(stored[stored.index(after: space)...])
    }
}
