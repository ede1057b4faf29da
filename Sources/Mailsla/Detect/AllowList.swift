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
