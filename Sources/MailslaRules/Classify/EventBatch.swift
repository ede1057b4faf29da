/// A record a rule matched: which record, which rule, which kind, and where its captures are.
public struct ClassifiedEvent: Sendable, Equatable {
    /// Index of the record in its `RecordBatch`.
    public var record: Int32
    public var rule: UInt16
    public var kind: UInt16
    public var firstCapture: Int32
    public var captureCount: UInt16
}

/// A captured field: its id and its byte range in the batch's bytes.
public struct Capture: Sendable, Equatable {
    public var field: UInt16
    public var start: Int32
    public var end: Int32
}

/// The events of one record batch. Captures are ranges, not strings: a
/// stage makes a `String` only of a field it keeps.
public struct EventBatch: Sendable {
    public var events: [ClassifiedEvent] = []
    public var captures: [Capture] = []

    public init() {}

    public mutating func removeAll() {
        events.removeAll(keepingCapacity: true)
        captures.removeAll(keepingCapacity: true)
    }

    /// The capture of `field` in `event`, if the rule captured it.
    @inline(__always)
    public func capture(_ field: UInt16, of event: ClassifiedEvent) -> Capture? {
        let start = Int(event.firstCapture)
        for i in start..<start + Int(event.captureCount) where captures[i].field == field { return captures[i] }
        return nil
    }
}
