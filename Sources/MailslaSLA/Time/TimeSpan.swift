/// A half-open stretch of UTC time, `[start, end)`, in microseconds since the epoch.
///
/// Microseconds because MailslaCore times every record that way: one unit from
/// the parser to the report means no rounding between stages, and durations add
/// exactly. Minutes (decimal) appear only at the edge, in the report.
public struct TimeSpan: Hashable, Sendable, CustomStringConvertible {
    public let start: Int64
    public let end: Int64

    /// `end` must not be before `start`.
    public init(start: Int64, end: Int64) {
        precondition(end >= start, "a span may not end before it starts")
        self.start = start
        self.end = end
    }

    public var micros: Int64 { end - start }
    public var minutes: Double { Double(micros) / 60_000_000 }

    /// The common part, or nil when it would be empty.
    public func intersection(_ other: TimeSpan) -> TimeSpan? {
        let s = max(start, other.start), e = min(end, other.end)
        return s < e ? TimeSpan(start: s, end: e) : nil
    }

    /// True when the closed stretch `[start, end]` of an incident (first to last failed test)
    /// has an instant inside this half-open window: a failed test at the very moment a window
    /// opens happened inside it; one at the moment it closes did not.
    public func window(containsAnyOf closed: TimeSpan) -> Bool {
        closed.start < end && start <= closed.end
    }

    public var description: String { "[\(start), \(end))" }
}

/// Set arithmetic on lists of spans: unions for the composite server and for
/// overlapping exclusion windows, differences for the composite's no-data time.
public enum SpanSet {
    /// Sorted, merged spans covering exactly what the input covers; touching spans become one.
    public static func union(_ spans: [TimeSpan]) -> [TimeSpan] {
        var out: [TimeSpan] = []
        for span in spans.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = out.last, span.start <= last.end {
                out[out.count - 1] = TimeSpan(start: last.start, end: max(last.end, span.end))
            } else {
                out.append(span)
            }
        }
        return out
    }

    /// What `spans` covers that `removed` does not.
    public static func subtract(_ removed: [TimeSpan], from spans: [TimeSpan]) -> [TimeSpan] {
        let cuts = union(removed)
        var out: [TimeSpan] = []
        for span in union(spans) {
            var start = span.start
            for cut in cuts where cut.end > start && cut.start < span.end {
                if cut.start > start { out.append(TimeSpan(start: start, end: cut.start)) }
                start = max(start, cut.end)
            }
            if start < span.end { out.append(TimeSpan(start: start, end: span.end)) }
        }
        return out
    }

    /// Microseconds covered at least once.
    public static func measure(_ spans: [TimeSpan]) -> Int64 {
        union(spans).reduce(0) { $0 + $1.micros }
    }
}
