import MailslaCore

/// The correlated flow minute by minute and host by host, as `mailsla tail`
/// stores it: the month's flow figures of `report --state` are sums of these.
///
/// A message counts as received in the minute it was received, and with its
/// final status in the minute it finished (as `FlowSeries` does per hour).
/// Rejections are counted by the correlator, not as message records: they are
/// added as the growth of the correlator's counters over a batch, in the
/// minute of that batch's last line.
public struct FlowMinutes: Sendable {
    public struct Key: Hashable, Sendable {
        /// Start of the minute, microseconds since the epoch (UTC).
        public var minute: Int64
        public var host: String
        public init(minute: Int64, host: String) {
            self.minute = minute
            self.host = host
        }
    }

    /// One host's flow in one minute; every field is a count of messages.
    public struct Counts: Sendable, Equatable {
        public var received = 0, delivered = 0, bounced = 0, expired = 0, deferred = 0, inFlight = 0
        public var held = 0, discarded = 0, lost = 0, spam = 0, virus = 0, ndn = 0, rejected = 0, deferredOnce = 0
        /// Delivered messages with a latency, and the sum of their latencies in milliseconds.
        public var latencyCount = 0, latencySumMs = 0
        public init() {}

        public static func += (a: inout Counts, b: Counts) {
            a.received += b.received; a.delivered += b.delivered; a.bounced += b.bounced; a.expired += b.expired
            a.deferred += b.deferred; a.inFlight += b.inFlight; a.held += b.held; a.discarded += b.discarded
            a.lost += b.lost; a.spam += b.spam; a.virus += b.virus; a.ndn += b.ndn; a.rejected += b.rejected
            a.deferredOnce += b.deferredOnce; a.latencyCount += b.latencyCount; a.latencySumMs += b.latencySumMs
        }
    }

    public struct RejectKey: Hashable, Sendable {
        public var minute: Int64
        public var reason: String
        public init(minute: Int64, reason: String) {
            self.minute = minute
            self.reason = reason
        }
    }

    public var counts: [Key: Counts] = [:]
    public var rejectsByReason: [RejectKey: Int] = [:]

    public init() {}

    public var isEmpty: Bool { counts.isEmpty && rejectsByReason.isEmpty }

    public static func minute(_ micros: Int64) -> Int64 {
        micros - ((micros % 60_000_000) + 60_000_000) % 60_000_000
    }

    /// Counts one finished message the way `FlowHealth.count` does.
    public mutating func count(_ record: MessageRecord) {
        if record.isNotice {
            counts[Key(minute: Self.minute(record.received), host: record.host), default: Counts()].ndn += 1
            return
        }
        if record.status == .rejected { return }
        if record.countsAsReceived {
            counts[Key(minute: Self.minute(record.received), host: record.host), default: Counts()].received += 1
        }
        let key = Key(minute: Self.minute(record.finished ?? record.received), host: record.host)
        var c = counts[key] ?? Counts()
        switch record.status {
        case .delivered: c.delivered += 1
        case .bounced: c.bounced += 1
        case .expired: c.expired += 1
        case .deferred: c.deferred += 1
        case .inFlight: c.inFlight += 1
        case .held: c.held += 1
        case .discarded: c.discarded += 1
        case .lost: c.lost += 1
        case .spam, .virus, .rejected: break
        }
        if record.recipients.contains(where: { $0.attempts.contains { $0.status == "deferred" } }) { c.deferredOnce += 1 }
        if FlowVerdicts.isSpam(record.filter?.verdict) || record.status == .spam { c.spam += 1 }
        if FlowVerdicts.isVirus(record.filter?.verdict) || record.status == .virus { c.virus += 1 }
        if let latency = record.latencySeconds {
            c.latencyCount += 1
            c.latencySumMs += Int(latency * 1000)
        }
        counts[key] = c
    }

    /// Adds the rejections the correlator counted between two looks at its health.
    public mutating func countRejects(from before: FlowHealth, to after: FlowHealth, at time: Int64, symbols: SymbolTable) {
        guard after.rejected != before.rejected else { return }
        let minute = Self.minute(time)
        for (reason, n) in after.rejectedByReason {
            let grown = n - (before.rejectedByReason[reason] ?? 0)
            if grown > 0 { rejectsByReason[RejectKey(minute: minute, reason: reason), default: 0] += grown }
        }
        for (host, c) in after.byHost {
            let grown = c.rejected - (before.byHost[host]?.rejected ?? 0)
            if grown > 0 { counts[Key(minute: minute, host: symbols.name(host)), default: Counts()].rejected += grown }
        }
    }
}

extension FlowHealth {
    /// The flow of a period rebuilt from stored minutes (`report --state`). Hosts
    /// are named in `symbols`. Latency percentiles are not kept per minute: the
    /// histograms hold each minute's mean latency, once per delivered message.
    public init(minutes: [(FlowMinutes.Key, FlowMinutes.Counts)], rejects: [(FlowMinutes.RejectKey, Int)], symbols: SymbolTable) {
        self.init()
        var hours: [Int64: FlowSeries.Hour] = [:]
        for (key, c) in minutes {
            received += c.received
            ndn += c.ndn
            spam += c.spam
            virus += c.virus
            rejected += c.rejected
            deferredOnce += c.deferredOnce
            for (status, n) in [(MessageStatus.delivered, c.delivered), (.bounced, c.bounced), (.expired, c.expired),
                                (.deferred, c.deferred), (.inFlight, c.inFlight), (.held, c.held),
                                (.discarded, c.discarded), (.lost, c.lost)] where n > 0 {
                counts[status, default: 0] += n
            }
            let host = symbols.intern(key.host)
            var h = byHost[host] ?? HostCounts()
            h.received += c.received
            h.delivered += c.delivered
            h.bounced += c.bounced
            h.deferred += c.deferred
            h.rejected += c.rejected
            byHost[host] = h
            if c.latencyCount > 0 {
                _ = latency.record(UInt64(c.latencySumMs / c.latencyCount), count: UInt64(c.latencyCount))
            }
            let start = key.minute - ((key.minute % FlowSeries.hour) + FlowSeries.hour) % FlowSeries.hour
            var hour = hours[start] ?? FlowSeries.Hour(storedStart: start)
            hour.received += c.received
            hour.delivered += c.delivered
            hour.bounced += c.bounced
            hour.rejected += c.rejected
            hours[start] = hour
        }
        for (key, n) in rejects { rejectedByReason[key.reason, default: 0] += n }
        series = FlowSeries(storedHours: Array(hours.values))
    }
}
