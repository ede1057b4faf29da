// libFuzzer target: the probe-file reader (JSON lines and CSV, auto-detected
// or forced by the first byte), then the SLA engine over what it read, so the
// series it hands on are ones the engine accepts. Bad lines are counted
// notices; a crash or counts that do not add up are failures.
import Foundation
import MailslaCore
import MailslaSLA

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbeReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let format = ProbeFormat.allCases[Int(data[0]) % ProbeFormat.allCases.count]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var reader = ProbeReader()
    // Two sources when the input holds a form feed: the second continues the first's series.
    if let split = bytes.firstIndex(of: 0x0C) {
        reader.read(bytes[..<split], source: "a", format: format)
        reader.read(bytes[(split + 1)...], source: "b", format: format)
    } else {
        reader.read(bytes, source: "a", format: format)
    }
    let probes = reader.finish()
    precondition(probes.notices.count <= ProbeReader.noticeLimit, "\(probes.notices.count) notices kept")
    for series in probes.series.values {
        let times = series.tests.map(\.time)
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "a series is not strictly sorted")
    }
    // At most 31 days from the first test, so one input stays fast.
    if let range = probes.timeRange, range.first < Int64.max - 31 * 86_400_000_000 {
        let end = min(max(range.last, range.first) + 60_000_000, range.first + 31 * 86_400_000_000)
        let period = SLAPeriod(span: TimeSpan(start: range.first, end: end), timeZone: TimeZone(identifier: "UTC")!)
        _ = SLAEngine(policy: SLAPolicy()).evaluate(probes, period: period)
    }
    return 0
}
