import MailslaCore

/// What one lane of a `ParallelJournalReader` read of a run of consecutive journal entries.
///
/// Every lane moves over every entry and keeps each one's realtime stamp (cheap), so the
/// merger can check that all lanes saw the same sequence; a lane decodes only the entries
/// whose index within the run is its own (`index % lanes == lane`), the expensive part.
/// Runs start at multiples of the run length, a multiple of the lane count, so the index
/// within the run decides the owner. Arrays keep their capacity between runs.
struct LaneChunk {
    /// The realtime stamp (`LogRecord.noTime` when libsystemd has none) of every entry of the run.
    var times: [Int64] = []
    /// The entries this lane decoded, in order.
    var slots: [Slot] = []
    /// Message, program and host bytes of each slot, one after the other.
    var bytes: [UInt8] = []
    /// The journal ended within the run (after `times.count` entries).
    var atEnd = false
    /// libsystemd could not move to the next entry; the entries before are in the run.
    var failure: InputError?

    /// One decoded entry: its bytes are `bytes[start..<messageEnd]` (the message, already cut),
    /// then `..<programEnd` (SYSLOG_IDENTIFIER, else _COMM), then `..<hostEnd` (_HOSTNAME).
    /// An empty name stands for none, as interning gives `.none` for both.
    struct Slot {
        var start: Int32
        var messageEnd: Int32
        var programEnd: Int32
        var hostEnd: Int32
        var pid: Int32
        /// The entry has a MESSAGE field.
        var hasMessage: Bool
        /// The message was cut to the reader's limit.
        var cut: Bool
    }

    mutating func reset() {
        times.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        atEnd = false
        failure = nil
    }

    /// Appends the decoded entry as a slot.
    @inline(__always)
    mutating func append(_ fields: EntryFields, maxMessageBytes: Int) {
        let start = Int32(bytes.count)
        var cut = false
        if var message = fields.message {
            if message.count > maxMessageBytes {
                message = UnsafeBufferPointer(rebasing: message[..<maxMessageBytes])
                cut = true
            }
            bytes.append(contentsOf: message)
        }
        let messageEnd = Int32(bytes.count)
        if let program = fields.program { bytes.append(contentsOf: program) }
        let programEnd = Int32(bytes.count)
        if let host = fields.host { bytes.append(contentsOf: host) }
        slots.append(Slot(start: start, messageEnd: messageEnd, programEnd: programEnd,
                          hostEnd: Int32(bytes.count), pid: fields.recordPid,
                          hasMessage: fields.message != nil, cut: cut))
    }
}
