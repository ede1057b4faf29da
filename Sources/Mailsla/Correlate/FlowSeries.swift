/// The flow hour by hour: what was received, delivered, bounced and rejected,
/// and how large the deferred queue was at the end of each hour. Hours are
/// event time; a message counts in the hour it was received (delivered and
/// bounced ones in the hour they finished). Bounded: at most `limit` hours
/// are kept (the oldest are dropped and counted).
public struct FlowSeries: Sendable {
    public struct Hour: Sendable, Equatable {
        /// Start of the hour, microseconds since the epoch (UTC).
        public var start: Int64
        public var received = 0
        public var delivered = 0
        public var bounced = 0
        public var rejected = 0
        /// Messages deferred at least once and still queued when the hour ended.
        public var deferredQueue = 0
    }

    public internal(set) var hours: [Hour] = []
    public let limit: Int
    public internal(set) var dropped = 0
    var current = Hour(start: .min)

    public init(limit: Int = 24 * 400) { self.limit = limit }

    static let hour: Int64 = 3_600_000_000

    /// Moves on to the hour of `time`, closing the hours in between.
    mutating func advance(to time: Int64, deferredQueue: Int) {
        let start = time >= 0 ? time / Self.hour * Self.hour : (time - Self.hour + 1) / Self.hour * Self.hour
        if current.start == .min {
            current.start = start
            return
        }
        guard start > current.start else { return }
        current.deferredQueue = deferredQueue
        append(current)
        // Quiet hours in between keep the queue size they ended with.
        var next = current.start + Self.hour
        while next < start, hours.count < limit * 2 {
            append(Hour(start: next, deferredQueue: deferredQueue))
            next += Self.hour
        }
        current = Hour(start: start)
    }

    mutating func count(_ message: MessageOutcome) {
        if message.countsAsReceived && !message.isNotice { add(at: message.received) { $0.received += 1 } }
        let finished = message.finished ?? message.received
        if message.status == .delivered { add(at: finished) { $0.delivered += 1 } }
        if message.status == .bounced { add(at: finished) { $0.bounced += 1 } }
    }

    /// Adds to the hour that holds `time` (hours are contiguous, so it is found by arithmetic).
    private mutating func add(at time: Int64, _ change: (inout Hour) -> Void) {
        if current.start == .min || time >= current.start {
            change(&current)
        } else if let first = hours.first?.start, time >= first {
            let index = Int((time - first) / Self.hour)
            if index < hours.count { change(&hours[index]) } else { change(&current) }
        }
    }

    mutating func append(_ hour: Hour) {
        hours.append(hour)
        if hours.count > limit {
            hours.removeFirst(hours.count - limit)
            dropped += 1
        }
    }

    /// Every hour including the one in progress.
    public var all: [Hour] { current.start == .min ? hours : hours + [current] }
}
