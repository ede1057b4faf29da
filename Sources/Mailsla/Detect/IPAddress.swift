import MailslaCore

/// An IPv4 or IPv6 address as 128 bits, parsed straight from log bytes so a
/// detector keys its tables without making a `String` per event. IPv4 is
/// held IPv4-mapped (`::ffff:a.b.c.d`), so one type covers both families.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var hi: UInt64
    public var lo: UInt64

    init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    /// True for an IPv4 address (held IPv4-mapped).
    public var isV4: Bool { hi == 0 && lo >> 32 == 0xFFFF }

    /// The 128 bits in one word (the detectors key tables by address on every connection line).
    var folded: UInt64 { hi &* 0x9E37_79B9_7F4A_7C15 ^ lo }

    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    public func _rawHashValue(seed: Int) -> Int { WordHash.raw(folded, seed: seed) }

    /// Parses dotted IPv4 or IPv6 (with `::` and an optional dotted tail); nil for anything else (`unknown`).
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        if let v4 = Self.parseV4(bytes, from: 0, to: bytes.count) {
            hi = 0
            lo = 0xFFFF_0000_0000 | UInt64(v4)
            return
        }
        guard let (h, l) = Self.parseV6(bytes) else { return nil }
        hi = h
        lo = l
    }

    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ IPAddress(bytes: $0) }) else { return nil }
        self = parsed
    }

    /// The address with all but the first `prefix` of its 128 bits cleared.
    public func masked(prefix: Int) -> IPAddress {
        let p = max(0, min(128, prefix))
        if p >= 64 { return IPAddress(hi: hi, lo: lo & Self.mask(p - 64)) }
        return IPAddress(hi: hi & Self.mask(p), lo: 0)
    }

    @inline(__always)
    static func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~0 << UInt64(64 - bits) }

    /// Dotted IPv4, or IPv6 in the RFC 5952 form (lower case, longest zero run as `::`).
    public var description: String {
        if isV4 {
            let v = UInt32(truncatingIfNeeded: lo)
            return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
        }
        let groups = (0..<8).map { i -> UInt16 in
            let word = i < 4 ? hi : lo
            return UInt16(truncatingIfNeeded: word >> UInt64(48 - 16 * (i % 4)))
        }
        var bestStart = -1, bestLength = 1, runStart = -1
        for i in 0...8 {
            if i < 8, groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    private static func parseV4(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        var i = start
        while i < end {
            let c = b[i]
            if c &- 48 < 10 {
                octet = octet &* 10 &+ UInt32(c &- 48)
                digits &+= 1
                if digits > 3 || octet > 255 { return nil }
            } else if c == 46 {
                if digits == 0 || dots == 3 { return nil }
                value = value << 8 | octet
                octet = 0; digits = 0; dots &+= 1
            } else {
                return nil
            }
            i &+= 1
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func parseV6(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let n = b.count
        guard n >= 2, n <= 45 else { return nil }
        var head: [UInt16] = [], tail: [UInt16] = []
        var afterGap = false
        var i = 0
        if b[0] == 58 {  // leading "::"
            guard b[1] == 58 else { return nil }
            afterGap = true
            i = 2
        }
        while i < n {
            // A dotted IPv4 tail takes the last 32 bits.
            var j = i
            var sawDot = false
            while j < n, b[j] != 58 { if b[j] == 46 { sawDot = true }; j += 1 }
            if sawDot {
                guard j == n, let v4 = parseV4(b, from: i, to: n) else { return nil }
                let parts = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if afterGap { tail += parts } else { head += parts }
                i = n
                break
            }
            guard j > i, j - i <= 4 else { return nil }
            var group: UInt16 = 0
            for k in i..<j {
                let c = b[k]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 65...70: d = c - 55
                case 97...102: d = c - 87
                default: return nil
                }
                group = group << 4 | UInt16(d)
            }
            if afterGap { tail.append(group) } else { head.append(group) }
            i = j
            if i < n {  // at a colon
                if i + 1 < n, b[i + 1] == 58 {
                    if afterGap { return nil }
                    afterGap = true
                    i += 2
                } else {
                    i += 1
                    if i == n { return nil }  // trailing single colon
                }
            }
        }
        let total = head.count + tail.count
        guard afterGap ? total <= 7 : total == 8 else { return nil }
        let groups = head + Array(repeating: 0, count: 8 - total) + tail
        var hi: UInt64 = 0, lo: UInt64 = 0
        for k in 0..<4 { hi = hi << 16 | UInt64(groups[k]) }
        for k in 4..<8 { lo = lo << 16 | UInt64(groups[k]) }
        return (hi, lo)
    }
}

/// An address block in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`) or a single address.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    /// Prefix length over all 128 bits: an IPv4 /24 is 120 here.
    public let prefix: Int

    /// Parses `ADDRESS[/PREFIX]`; nil when either part is invalid.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let ip = IPAddress(String(parts[0])) else { return nil }
        let full = ip.isV4 ? 32 : 128
        var length = full
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...full).contains(p) else { return nil }
            length = p
        }
        self.init(address: ip, prefix: ip.isV4 ? 96 + length : length)
    }

    init(address: IPAddress, prefix: Int) {
        self.prefix = prefix
        self.address = address.masked(prefix: prefix)
        hiMask = IPAddress.mask(prefix)
        loMask = IPAddress.mask(prefix - 64)
    }

    /// The prefix as two word masks, so `contains` is two ANDs and two compares (kept, not
    /// recomputed: the allow-list is tested on every evidence event). They follow from
    /// `prefix`, so they add nothing to equality.
    private let hiMask: UInt64
    private let loMask: UInt64

    public static func == (a: IPNetwork, b: IPNetwork) -> Bool { a.address == b.address && a.prefix == b.prefix }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(prefix)
    }

    @inline(__always)
    public func contains(_ ip: IPAddress) -> Bool {
        ip.hi & hiMask == address.hi && ip.lo & loMask == address.lo
    }

    public var description: String { "\(address)/\(address.isV4 ? prefix - 96 : prefix)" }
}
