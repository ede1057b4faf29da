import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

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

    /// What `Dictionary` asks for: the folded word through `WordHash` instead of a whole `Hasher` run
    /// (SipHash's set-up and finalization were ~150 instructions per correlated line). Queue ids are
    /// Postfix's own anyway, not the sender's.
    func _rawHashValue(seed: Int) -> Int { WordHash.raw(folded, seed: seed) }
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

    /// Equal when the hosts and the ids' bytes are: a message-id is header bytes that a filter hands
    /// back unchanged, and `String`'s `==` (canonical equivalence) costs more per link.
    static func == (a: MessageIDKey, b: MessageIDKey) -> Bool {
        a.host == b.host && a.id.utf8.count == b.id.utf8.count
            && a.withBytes { x in b.withBytes { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }

    /// The id's bytes and the host in one word (linked on every message-id line and every end of a filtered hop).
    private var folded: UInt64 { withBytes { WordHash.fold($0) } ^ UInt64(host.raw) &* 0x1656_67B1_9E37_79F9 }

    func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    func _rawHashValue(seed: Int) -> Int { WordHash.raw(folded, seed: seed) }

    private func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = id.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(id.utf8).withUnsafeBytes(body)
    }

    init?(stored: String) {
        guard let space = stored.firstIndex(of: " "), let raw = UInt32(stored[..<space]) else { return nil }
        host = Symbol(raw: raw)
        id = String(stored[stored.index(after: space)...])
    }
}
