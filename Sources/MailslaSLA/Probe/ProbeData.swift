/// Everything read from the probe sources: per-service series ready for the
/// engine, and the counts of what was dropped or corrected on the way.
public struct ProbeData: Sendable, Equatable {
    public var series: [String: ProbeSeries]
    public var counts: ProbeCounts
    /// The first few lines worth telling about (`ProbeReader.noticeLimit`).
    public var notices: [ProbeNotice]

    public init(series: [String: ProbeSeries] = [:], counts: ProbeCounts = ProbeCounts(), notices: [ProbeNotice] = []) {
        self.series = series
        self.counts = counts
        self.notices = notices
    }

    /// Builds data from ready series (tests, or a caller with its own reader); sorts each by time.
    public init(series: [ProbeSeries]) {
        var map: [String: ProbeSeries] = [:]
        for var s in series {
            s.tests.sort { $0.time < $1.time }
            map[s.service] = s
        }
        self.init(series: map)
    }

    /// Services that appear in the data but are not among the agreement's known ones.
    public var unknownServices: [String] { series.keys.filter { !KnownService.names.contains($0) }.sorted() }

    /// The first and last test time over all services, or nil without tests.
    public var timeRange: (first: Int64, last: Int64)? {
        let times = series.values.compactMap { s in s.tests.first.map { ($0.time, s.tests.last!.time) } }
        guard let first = times.map(\.0).min(), let last = times.map(\.1).max() else { return nil }
        return (first, last)
    }
}

/// Line counts of the probe sources. `lines` = `accepted` + `headers` + `duplicates` + malformed total.
public struct ProbeCounts: Sendable, Equatable {
    /// Non-blank lines read.
    public var lines = 0
    /// Blank lines, skipped (not data, not malformed).
    public var blankLines = 0
    public var headers = 0
    public var accepted = 0
    public var duplicates = 0
    public var conflictingDuplicates = 0
    public var outOfOrder = 0
    public var malformed: [ProbeLineProblem: Int] = [:]

    public init() {}

    public var malformedTotal: Int { malformed.values.reduce(0, +) }
}
