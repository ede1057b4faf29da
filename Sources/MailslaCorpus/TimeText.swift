import MailslaCore

/// Timestamps written as bytes: RFC 3164, RFC 3339 and the compact forms
/// inside messages. Callers cache per second; these do the arithmetic.
enum TimeText {
    static let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"

    struct Parts {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
    }

    @inline(__always)
    static func parts(micros: Int64) -> Parts {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let ofDay = Int(seconds - days * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(Int(days))
        return Parts(year: y, month: m, day: d, hour: ofDay / 3600, minute: ofDay / 60 % 60, second: ofDay % 60)
    }

    /// `Nov  1 00:00:00` (day space-padded, as syslogd writes it).
    static func writeRFC3164(_ p: Parts, into out: inout ByteWriter) {
        out.append(months.utf8Start + (p.month - 1) * 3, 3)
        out.append(UInt8(ascii: " "))
        if p.day < 10 {
            out.append(UInt8(ascii: " "))
            out.append(UInt8(truncatingIfNeeded: p.day) &+ 48)
        } else {
            out.appendPadded(p.day, width: 2)
        }
        out.append(UInt8(ascii: " "))
        writeClock(p, into: &out)
    }

    /// `2026-11-01T00:00:00` (no fraction, no zone).
    static func writeISO(_ p: Parts, into out: inout ByteWriter) {
        out.appendPadded(p.year, width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendPadded(p.month, width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendPadded(p.day, width: 2)
        out.append(UInt8(ascii: "T"))
        writeClock(p, into: &out)
    }

    /// `20261101000000` (message-ids).
    static func writeCompact(_ p: Parts, into out: inout ByteWriter) {
        out.appendPadded(p.year, width: 4)
        out.appendPadded(p.month, width: 2)
        out.appendPadded(p.day, width: 2)
        out.appendPadded(p.hour, width: 2)
        out.appendPadded(p.minute, width: 2)
        out.appendPadded(p.second, width: 2)
    }

    @inline(__always)
    static func writeClock(_ p: Parts, into out: inout ByteWriter) {
        out.appendPadded(p.hour, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendPadded(p.minute, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendPadded(p.second, width: 2)
    }

    /// RFC 3339 UTC for the truth file: `2026-11-01T00:00:00Z`, with `.ffffff` when there is a
    /// fraction (the same text as MailslaCore's `TimeFormat.rfc3339`).
    static func writeRFC3339(micros: Int64, into out: inout ByteWriter) {
        writeISO(parts(micros: micros), into: &out)
        let fraction = micros >= 0 ? micros % 1_000_000 : (micros % 1_000_000 + 1_000_000) % 1_000_000
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.appendPadded(Int(fraction), width: 6)
        }
        out.append(UInt8(ascii: "Z"))
    }

    static func rfc3339(micros: Int64) -> String {
        var out = ByteWriter(capacity: 64)
        writeRFC3339(micros: micros, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
