import CLineScan
import MailslaCore
import MailslaRules

/// Asks for what an event a few events ahead will need while the correlator
/// handles the current one. The flow worker reads batches another core
/// classified and wrote, so none of it is in its cache: an event's first
/// capture and record entry were each a wait, then the line bytes the capture
/// points into (queue-id keys, addresses) another. (The detect worker does
/// without: there it cost 33 instructions per line for no measurable gain.)
///
/// In two steps: the capture and record entries `distance * 2` events ahead,
/// then, `distance` ahead, the bytes, whose address is read from the capture
/// entry asked for earlier.
enum CapturePrefetch {
    /// How many events ahead the bytes are asked for: enough for a load to arrive, few enough that
    /// it is still cached when used.
    static let distance = 8

    /// Asks for what `list[i + distance]` (its bytes) and `list[i + 2 * distance]` (its capture and
    /// record entries) will need, for the events `wanted` says the correlator reads.
    @inline(__always)
    static func ahead(of i: Int, in list: UnsafeBufferPointer<ClassifiedEvent>, captures: UnsafeBufferPointer<Capture>,
                      records: UnsafeBufferPointer<LogRecord>, bytes: UnsafeBufferPointer<UInt8>,
                      wanted: (ClassifiedEvent) -> Bool) {
        let far = i &+ 2 &* distance
        if far < list.count, wanted(list[far]) {
            let event = list[far]
            if event.captureCount > 0, let base = captures.baseAddress { line_scan_prefetch(base + Int(event.firstCapture)) }
            if let base = records.baseAddress { line_scan_prefetch(base + Int(event.record)) }
        }
        let near = i &+ distance
        if near < list.count, wanted(list[near]) {
            let event = list[near]
            if event.captureCount > 0, let base = bytes.baseAddress {
                line_scan_prefetch(base + Int(captures[Int(event.firstCapture)].start))
            }
        }
    }
}
