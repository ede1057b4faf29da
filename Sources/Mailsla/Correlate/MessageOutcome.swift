/// What the flow's counters (`FlowHealth`, `FlowSeries`, the mail-flow monitor) need of a
/// finished message: its status and times, without the strings and arrays of a `MessageRecord`.
/// `MessageRecordBuilder` decides both from the same code, so a counter reads here exactly
/// what it would read in the record; a replay that writes no `--messages` makes only this.
struct MessageOutcome {
    var status: MessageStatus
    var isNotice: Bool
    /// The record's `countsAsReceived`.
    var countsAsReceived: Bool
    /// The record's `received`: the first queue file's first line.
    var received: Int64
    var finished: Int64?
    var latencySeconds: Double?
    /// The record's `filter.roundTripSeconds` (nil exactly when the record's is).
    var filterRoundTripSeconds: Double?
    /// Whether the record's `filter.verdict` reads as spam, as a virus (`FlowVerdicts`).
    var spamVerdict: Bool
    var virusVerdict: Bool
    /// Some recipient's attempts include a `deferred` one.
    var deferredOnce: Bool
}
