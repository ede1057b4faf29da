/// Writes simulated lines in one framing: the syslog header (or journal
/// export fields) around the message the simulator writes.
///
/// The timestamp text is cached per second, so a line costs a few `memcpy`s
/// and the digits of its pid.
public struct CorpusLineFormatter {
    public let format: CorpusFormat
    private let names: TextTable
    private let hostBase: Int32
    private let programBase: Int32
    private var cachedSecond = Int64.min
    private var stamp: [UInt8] = []
    /// Journal: per host, the boot id and the boot time (for `__MONOTONIC_TIMESTAMP`).
    private var bootIDs: [UInt64] = []
    private var bootTimes: [Int64] = []

    public init(format: CorpusFormat, seed: UInt64, start: Int64) {
        self.format = format
        var b = TextTable.Builder()
        hostBase = b.add(MailSimulator.hostNames).lowerBound
        programBase = b.add(MailSimulator.programTags).lowerBound
        names = TextTable(b)
        var random = CorpusRandom(seed: seed ^ 0x626F_6F74)
        for _ in MailSimulator.hostNames {
            bootIDs.append(random.next())
            bootIDs.append(random.next())
            bootTimes.append(start - Int64(3600 + random.below(30 * 86_400)) * 1_000_000 - Int64(random.below(1_000_000)))
        }
        stamp.reserveCapacity(32)
    }

    /// Appends one whole line (or journal entry) for `line` to `out`.
    @inline(__always)
    public mutating func write(_ line: SimulatedLine, from simulator: MailSimulator, into out: inout ByteWriter) {
        switch format {
        case .rfc3164, .rfc3339:
            writeStamp(line.time, into: &out)
            out.append(UInt8(ascii: " "))
            names.write(hostBase + Int32(line.host), into: &out)
            out.append(UInt8(ascii: " "))
            names.write(programBase + Int32(line.program), into: &out)
            if line.pidInTag {
                out.append(UInt8(ascii: "["))
                out.appendDecimal(line.pid)
                out.append("]: ")
            } else {
                out.append(": ")
            }
            simulator.writeMessage(line, into: &out)
            out.append(UInt8(ascii: "\n"))
        case .journalExport:
            out.append("__REALTIME_TIMESTAMP=")
            out.appendDecimal(line.time)
            out.append("\n__MONOTONIC_TIMESTAMP=")
            out.appendDecimal(line.time - bootTimes[line.host])
            out.append("\n_BOOT_ID=")
            out.appendHex(bootIDs[2 * line.host], digits: 16, upper: false)
            out.append(hexOf: bootIDs[2 * line.host + 1])
            out.append("\n_HOSTNAME=")
            names.write(hostBase + Int32(line.host), into: &out)
            out.append("\n_TRANSPORT=syslog\nPRIORITY=6\nSYSLOG_FACILITY=")
            let program = Program(rawValue: UInt8(line.program))!
            out.append(program == .cron ? "9" : program == .sshd ? "10" : program == .kernel ? "0" : "2")
            out.append("\nSYSLOG_IDENTIFIER=")
            names.write(programBase + Int32(line.program), into: &out)
            out.append("\n_PID=")
            out.appendDecimal(line.pid)
            out.append("\nMESSAGE=")
            simulator.writeMessage(line, into: &out)
            out.append("\n\n")
        }
    }

    /// `Nov  1 00:00:00` or `2026-11-01T00:00:00.123456+00:00`.
    @inline(__always)
    private mutating func writeStamp(_ time: Int64, into out: inout ByteWriter) {
        let second = time / 1_000_000
        if second != cachedSecond {
            cachedSecond = second
            var text = ByteWriter(capacity: 32)
            let parts = TimeText.parts(micros: time)
            if format == .rfc3164 { TimeText.writeRFC3164(parts, into: &text) } else { TimeText.writeISO(parts, into: &text) }
            stamp = text.bytes
        }
        stamp.withUnsafeBufferPointer { out.append($0) }
        if format == .rfc3339 {
            out.append(UInt8(ascii: "."))
            out.appendPadded(Int(time % 1_000_000), width: 6)
            out.append("+00:00")
        }
    }

    /// The time as the line shows it: whole seconds for RFC 3164.
    public func loggedTime(_ time: Int64) -> Int64 {
        format == .rfc3164 ? time / 1_000_000 * 1_000_000 : time
    }
}

extension ByteWriter {
    /// 16 lower-case hex digits.
    @inline(__always)
    mutating func append(hexOf value: UInt64) { appendHex(value, digits: 16, upper: false) }
}
