import MailslaCore

/// Parses RFC 3339 timestamps of probe files into UTC microseconds.
///
/// Probe tools write `2026-11-01T00:05:00Z`, `…T01:05:00.25+01:00` or `…T01:05:00+0100`;
/// every form carries its own offset, so no zone is needed. A time without an
/// offset is refused rather than guessed: the SLA arithmetic depends on it.
/// Fractions finer than a microsecond are cut. Leap seconds (`:60`) are refused.
public enum RFC3339 {
    /// Microseconds since the epoch, or nil when `text` is not a complete RFC 3339 timestamp.
    public static func micros(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        let n = b.count
        func number(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var value = 0
            for i in at..<(at + count) {
                let d = b[i] &- 48
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        guard n >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60 else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var scale: Int64 = 100_000
            let first = i
            while i < n, b[i] &- 48 < 10 {
                fraction += Int64(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > first else { return nil }
        }
        guard i < n else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
            guard let hh = number(i + 1, 2), hh < 24 else { return nil }
            var mm: Int?
            if i + 3 < n, b[i + 3] == UInt8(ascii: ":") {
                mm = number(i + 4, 2)
                i += 6
            } else {
                mm = number(i + 3, 2)
                i += 5
            }
            guard let mm, mm < 60 else { return nil }
            offset = sign * (hh * 3600 + mm * 60)
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return seconds * 1_000_000 + fraction
    }
}
