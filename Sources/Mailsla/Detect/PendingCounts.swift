import MailslaCore

/// Per-key counts of events still waiting for the event that completes them: Dovecot's
/// per-attempt passdb failures for the session's summary, postscreen's CONNECTs for smtpd's
/// connect of the same connection. The detectors count such a pair once.
///
/// An entry older than `window` (since the last event added to it) counts as none. Expired
/// entries are dropped when the table reaches twice the size its last pass kept: a botnet of
/// many live addresses costs one pass per doubling, not one per event, and since only expired
/// entries go, no count changes (so the prune size is not part of a snapshot).
struct PendingCounts<Key: Hashable> {
    struct Entry: Equatable {
        var count: Int32
        /// When the last event was added.
        var time: Int64
    }

    /// Microseconds an entry lives after its last event.
    let window: Int64
    /// At most this many pending per key (bots pile up events that nothing completes).
    let limit: Int32
    private(set) var entries: [Key: Entry] = [:]
    private var pruneAt = 4096

    init(window: Int64, limit: Int32 = .max) {
        self.window = window
        self.limit = limit
    }

    /// Events pending for `key` at `t`.
    func count(_ key: Key, at t: Int64) -> Int32 {
        guard let entry = entries[key], t - entry.time < window else { return 0 }
        return entry.count
    }

    /// One more event pending for `key`, at `t`.
    mutating func add(_ key: Key, at t: Int64) {
        entries[key] = Entry(count: min(count(key, at: t) + 1, limit), time: t)
        if entries.count > pruneAt {
            entries = entries.filter { t - $0.value.time < window }
            pruneAt = max(4096, 2 * entries.count)
        }
    }

    /// Completes up to `n` pending events of `key` at `t`; returns how many it completed.
    @discardableResult
    mutating func take(_ key: Key, _ n: Int32, at t: Int64) -> Int32 {
        let pending = count(key, at: t)
        let taken = min(max(n, 0), pending)
        guard taken > 0 else { return 0 }
        entries[key]!.count = pending - taken
        if pending == taken { entries[key] = nil }
        return taken
    }

    /// Puts back an entry read from a snapshot.
    mutating func restore(_ key: Key, _ entry: Entry) { entries[key] = entry }
}

/// A client address on one host: a postscreen CONNECT is completed by smtpd on the same host.
struct HostClient: Hashable {
    var host: UInt32
    var ip: IPAddress

    /// The address and host in one word: postscreen's and smtpd's connects look an entry up on every line.
    private var folded: UInt64 { NameHash.mix(ip.folded, UInt64(host)) }

    func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    func _rawHashValue(seed: Int) -> Int { WordHash.raw(folded, seed: seed) }
}
