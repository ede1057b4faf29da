import Foundation
@testable import MailslaSLA

let minute: Int64 = 60_000_000
let berlin = TimeZone(identifier: "Europe/Berlin")!
let utc = TimeZone(identifier: "UTC")!

/// UTC microseconds of an RFC 3339 text; traps on a typo in a test.
func t(_ text: String) -> Int64 { RFC3339.micros(text)! }

func span(_ start: String, _ end: String) -> TimeSpan { TimeSpan(start: t(start), end: t(end)) }

/// A series from a pattern, one character per interval from `start`:
/// `+` a success, `-` a failure, `.` no test.
func series(_ service: String, from start: String, every seconds: Int = 300, _ pattern: String) -> ProbeSeries {
    var tests: [ProbeTest] = []
    for (i, c) in pattern.enumerated() where c != "." {
        tests.append(ProbeTest(time: t(start) + Int64(i * seconds) * 1_000_000, ok: c == "+"))
    }
    return ProbeSeries(service: service, tests: tests)
}

/// `+`/`-`/`.` repeated: `"+" * 3` reads better in long patterns.
func * (s: String, n: Int) -> String { String(repeating: s, count: n) }

func november(_ zone: TimeZone = utc) -> SLAPeriod { .month(year: 2026, month: 11, in: zone) }

func evaluate(_ series: [ProbeSeries], policy: SLAPolicy = SLAPolicy(), episodes: [EpisodeWindow] = [],
              period: SLAPeriod = november()) -> SLAResult {
    SLAEngine(policy: policy).evaluate(ProbeData(series: series), episodes: episodes, period: period)
}

/// Reads probe text as one source.
func read(_ text: String, format: ProbeFormat = .auto, source: String = "probes") -> ProbeData {
    var reader = ProbeReader()
    reader.read(Array(text.utf8), source: source, format: format)
    return reader.finish()
}
