import Synchronization

/// A token bucket per client address: `requests` per `windowSeconds`, with a
/// burst of `requests`. The table is bounded: when it is full, buckets that
/// have refilled completely (idle clients) are dropped first, then the least
/// recently used. So a flood of source addresses costs bounded memory; a
/// client with more addresses than `capacity` can get fresh buckets, and the
/// body-size limit still bounds what each request can bring.
final class RateLimiter: Sendable {
    let requests: Double
    let windowSeconds: Double
    let capacity: Int

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    init(requests: Int, windowSeconds: Int, capacity: Int = 4096) {
        self.requests = Double(requests)
        self.windowSeconds = Double(windowSeconds)
        self.capacity = capacity
    }

    /// Takes one token for `client` at time `now` (seconds on any monotonic
    /// clock). Returns nil when allowed, else the seconds until a token is back.
    func take(_ client: String, now: Double) -> Double? {
        let rate = requests / windowSeconds
        return buckets.withLock { table in
            var bucket = table[client] ?? Bucket(tokens: requests, updated: now)
            bucket.tokens = min(requests, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer {
                if table[client] == nil, table.count >= capacity { Self.makeRoom(&table, now: now, full: requests, rate: rate) }
                table[client] = bucket
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
    }

    var clients: Int { buckets.withLock { $0.count } }

    private static func makeRoom(_ table: inout [String: Bucket], now: Double, full: Double, rate: Double) {
        let idle = table.filter { $0.value.tokens + (now - $0.value.updated) * rate >= full }.map(\.key)
        if !idle.isEmpty {
            for key in idle { table[key] = nil }
            return
        }
        if let oldest = table.min(by: { $0.value.updated < $1.value.updated })?.key { table[oldest] = nil }
    }
}
