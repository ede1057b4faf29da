import Foundation

/// Clients and names that never make an episode: trusted networks,
/// monitoring hosts, the probe's addresses, the loopback and the content
/// filter; the probe's mailbox and other allowed names.
///
/// Built once from the settings; `contains` is a scan over a few prefixes
/// with integer compares, cheap enough for every event.
struct AllowList {
    private(set) var networks: [IPNetwork]
    /// Addresses of this host and its content filters: hand-offs, not deliveries.
    private(set) var local: [IPNetwork]
    private let names: Set<UInt64>
    /// Entries that did not parse, for the report.
    private(set) var invalid: [String] = []

    init(settings: DetectionSettings, filterAddresses: Set<String>) {
        let loopback = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1/128")!]
        let filters = filterAddresses.sorted().compactMap { IPNetwork($0) }
        local = loopback + filters
        networks = settings.trustLoopback ? local : filters
        for text in settings.trustedNetworks + settings.monitorAddresses + settings.probeAddresses {
            if let net = IPNetwork(text.trimmingCharacters(in: .whitespaces)) {
                networks.append(net)
            } else {
                invalid.append(text)
            }
        }
        names = Set(settings.allowedNames.map { name in
            var s = name
            return s.withUTF8 { NameHash.of($0) }
        })
    }

    @inline(__always)
    func contains(_ ip: IPAddress) -> Bool {
        for net in networks where net.contains(ip) { return true }
        return false
    }

    @inline(__always)
    func isLocal(_ ip: IPAddress) -> Bool {
        for net in local where net.contains(ip) { return true }
        return false
    }

    @inline(__always)
    func contains(name hash: UInt64) -> Bool { !names.isEmpty && names.contains(hash) }
}

/// FNV-1a over bytes with ASCII folded to lower case: the identity of a user
/// name or a mail address in the detector tables. Never 0 (0 means "none").
enum NameHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    @inline(__always)
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = seed) -> UInt64 {
        var h = seed
        for var c in bytes {
            if c >= 65 && c <= 90 { c |= 0x20 }
            h = (h ^ UInt64(c)) &* prime
        }
        return h == 0 ? 1 : h
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
