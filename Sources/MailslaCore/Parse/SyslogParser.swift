import CLineScan
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a parser needs to know that the lines do not say.
public struct ParseOptions: Sendable {
    /// The zone of timestamps that carry none (RFC 3164, ISO without offset).
    public var timeZone: TimeZone
    /// When set, lines are this program's own log: an optional timestamp, then the message.
    public var program: String?

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!, program: String? = nil) {
        self.timeZone = timeZone
        self.program = program
    }
}

/// Turns one log line into a `LogRecord`, reading bytes only.
///
/// Understands RFC 3164 (day space-, zero- or un-padded; optional `<PRI>`),
/// RFC 3339 / ISO 8601 with `T` or a space, fractions and offsets, RFC 5424,
/// TAI64N (`@4000…`), hostless lines whose first word is the tag (Dovecot's
/// and other daemons' own log files), and bare messages when a program is
/// given. Names are interned in `symbols`; nothing is allocated per line.
public struct SyslogParser {
    public let symbols: SymbolTable
    /// Changing the tracker (a new file's anchor) forgets the cached minute, whose year it decided.
    public var years: YearTracker { didSet { minute = MinuteCache() } }
    private var zone: ZoneOffsets
    private let programOverride: Symbol?
    private var cachedDayKey = -1
    private var cachedDayStart = 0
    private var minute = MinuteCache()
    /// The last host interned, checked first on the next line (no scan, no hash when it repeats).
    private var lastHost = Symbol.none

    public init(symbols: SymbolTable, options: ParseOptions = ParseOptions(), years: YearTracker) {
        self.symbols = symbols
        self.years = years
        zone = ZoneOffsets(zone: options.timeZone)
        programOverride = options.program.map { symbols.intern($0) }
    }

    /// Parses every line of `lines` into `batch` and counts the lines that fail in `malformed`.
    public mutating func parse(_ lines: LineBatch, into batch: inout RecordBatch, malformed: inout MalformedCounts) {
        // Records go straight into uninitialised storage: no capacity or uniqueness check per line.
        batch.records = lines.bytes.withUnsafeBufferPointer { all in
            [LogRecord](unsafeUninitializedCapacity: lines.lines.count) { out, written in
                var n = 0
                // The record is written in place: an `Outcome` returned through memory and copied
                // out stalled on store forwarding (a tenth of parse time under perf).
                for span in lines.lines {
                    if let reason = parse(all.baseAddress! + Int(span.start), span.count, offset: span.start,
                                          into: out.baseAddress! + n) {
                        malformed.add(reason)
                    } else {
                        n += 1
                    }
                }
                written = n
            }
        }
        batch.bytes = lines.bytes
    }

    public enum Outcome: Equatable {
        case record(LogRecord)
        case malformed(MalformedReason)
    }

    /// Parses one line; `offset` is where the line starts in its batch.
    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, at offset: Int32 = 0) -> Outcome {
        guard let p = line.baseAddress else { return .malformed(.empty) }
        var record = LogRecord(time: 0, host: .none, program: .none, pid: 0, lineStart: 0, messageStart: 0, messageEnd: 0)
        if let reason = parse(p, line.count, offset: offset, into: &record) { return .malformed(reason) }
        return .record(record)
    }

    /// Parses the `n` bytes at `p` into `out` (which may be uninitialised: `LogRecord` is trivial);
    /// returns why the line is malformed, or nil when `out` holds its record.
    @inline(__always)
    private mutating func parse(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int32,
                                into out: UnsafeMutablePointer<LogRecord>) -> MalformedReason? {
        guard n > 0 else { return .empty }
        var i = 0
        if p[0] == UInt8(ascii: "<") {
            var j = 1
            while j < n, j < 5, isDigit(p[j]) { j += 1 }
            if j > 1, j < n, p[j] == UInt8(ascii: ">") {
                i = j + 1
                if i + 1 < n, p[i] == UInt8(ascii: "1"), p[i + 1] == UInt8(ascii: " ") {
                    return parse5424(p, n, from: i + 2, offset: offset, into: out)
                }
            }
        }
        guard i < n else { return .empty }
        let time: Int64
        let c = p[i]
        if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") {
            guard let (t, next) = parse3164Time(p, n, from: i) else {
                return programOverride != nil ? bare(offset: offset, n: n, into: out) : .badTimestamp
            }
            time = t
            i = next
        } else if isDigit(c) {
            guard let (t, next, _) = parseISOTime(p, n, from: i) else {
                return programOverride != nil ? bare(offset: offset, n: n, into: out) : .badTimestamp
            }
            time = t
            i = next
        } else if c == UInt8(ascii: "@") {
            guard let (t, next) = parseTAI64N(p, n, from: i) else { return .badTimestamp }
            time = t
            i = next
        } else if programOverride != nil {
            return bare(offset: offset, n: n, into: out)
        } else {
            return .unknownTimestamp
        }
        // One space (RFC 3164 allows more) between the timestamp and what follows.
        while i < n, p[i] == UInt8(ascii: " ") { i += 1 }

        if let programOverride {
            out.initialize(to: LogRecord(time: time, host: .none, program: programOverride, pid: -1, lineStart: offset,
                                         messageStart: offset + Int32(i), messageEnd: offset + Int32(n)))
            return nil
        }
        var host = Symbol.none
        if lastHost != .none,
           let length = symbols.nameLength(of: lastHost, at: p + i, available: n - i, then: UInt8(ascii: " ")) {
            // Most lines come from the previous line's host: the same word, so the same answer as below.
            host = lastHost
            i += length + 1
        } else {
            // The first word is a host unless it is already the tag (`name:` or `name[pid]:`).
            let (wordEnd, bracket) = firstWord(p, n, from: i)
            if !isTag(p, from: i, to: wordEnd, bracket: bracket) {
                guard wordEnd > i, wordEnd < n else { return .noHost }
                host = symbols.intern(UnsafeBufferPointer(start: p + i, count: wordEnd - i))
                if host != .overflow { lastHost = host }  // an overflowing name is counted on every line
                i = wordEnd + 1
            }
        }
        return Self.parseTag(p, n, from: i, time: time, host: host, offset: offset, symbols: symbols, into: out)
    }

    private func bare(offset: Int32, n: Int, into out: UnsafeMutablePointer<LogRecord>) -> MalformedReason? {
        out.initialize(to: LogRecord(time: LogRecord.noTime, host: .none, program: programOverride ?? .none, pid: -1,
                                     lineStart: offset, messageStart: offset, messageEnd: offset + Int32(n)))
        return nil
    }

    // MARK: tag

    /// The end of the word at `start` (its first space, or `n`) and the index of its first `[` (-1 for none).
    @inline(__always)
    private func firstWord(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> (end: Int, bracket: Int) {
        var end = start
        var bracket = -1
        // 16 bytes per compare while they lie inside the line, then byte by byte.
        while end + 16 <= n {
            let spaces = line_scan_match16(p + end, UInt8(ascii: " "), UInt8(ascii: " "), UInt8(ascii: " "))
            let brackets = line_scan_match16(p + end, UInt8(ascii: "["), UInt8(ascii: "["), UInt8(ascii: "["))
            // Only brackets before the space belong to the word: the bits below the space's.
            let inWord = spaces == 0 ? brackets : brackets & ((spaces & (0 &- spaces)) &- 1)
            if bracket < 0, inWord != 0 { bracket = end + inWord.trailingZeroBitCount }
            if spaces != 0 { return (end + spaces.trailingZeroBitCount, bracket) }
            end += 16
        }
        while end < n {
            let b = p[end]
            if b == UInt8(ascii: " ") { break }
            if b == UInt8(ascii: "["), bracket < 0 { bracket = end }
            end += 1
        }
        return (end, bracket)
    }

    /// True when the word `p[start..<end]` is `name:` or `name[pid]:` rather than a host name.
    /// `bracket` is the index of the word's first `[`, or -1.
    @inline(__always)
    private func isTag(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, bracket: Int) -> Bool {
        guard end > start else { return false }
        if p[end - 1] == UInt8(ascii: ":") { return true }
        // A host never has brackets; `name[digits]:` directly followed by the message is a tag too.
        guard bracket >= 0 else { return false }
        var k = bracket + 1
        let digits = k
        while k < end, isDigit(p[k]) { k += 1 }
        return k > digits && k + 1 < end && p[k] == UInt8(ascii: "]") && p[k + 1] == UInt8(ascii: ":")
    }

    /// Static, as the pieces below: when the optimizer outlines it, no copy of the parser goes with the call.
    @inline(__always)
    private static func parseTag(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, time: Int64, host: Symbol,
                                 offset: Int32, symbols: SymbolTable,
                                 into out: UnsafeMutablePointer<LogRecord>) -> MalformedReason? {
        var i = start
        let limit = min(n, start + 128)
        // 16 bytes per compare while they lie inside the line, then byte by byte.
        var scanning = true
        while scanning, i + 16 <= limit {
            let stops = line_scan_match16(p + i, UInt8(ascii: "["), UInt8(ascii: ":"), UInt8(ascii: " "))
            if stops != 0 {
                i += stops.trailingZeroBitCount
                scanning = false
            } else {
                i += 16
            }
        }
        while scanning, i < limit {
            let b = p[i]
            if b == UInt8(ascii: "[") || b == UInt8(ascii: ":") || b == UInt8(ascii: " ") { break }
            i += 1
        }
        guard i > start, i < n else { return .noProgram }
        var nameEnd = i
        var pid: Int32 = -1
        if p[i] == UInt8(ascii: "[") {
            i += 1
            let digitsStart = i
            let value: Int32
            (value, i) = Self.pidDigits(p, n, from: i)
            guard i > digitsStart, i < n, p[i] == UInt8(ascii: "]") else { return .noProgram }
            pid = value
            i += 1
        } else if i + 1 < n, p[i + 1] != UInt8(ascii: " "), p[i] == UInt8(ascii: ":"),
                  let end = Self.tagEndAfterParentheses(p, from: start, colon: i, limit: limit) {
            // A ':' that ends a tag is followed by a space; one that is not may sit inside parentheses.
            i = end
            nameEnd = end
        }
        guard i < n, p[i] == UInt8(ascii: ":") else { return .noProgram }
        i += 1
        if i < n, p[i] == UInt8(ascii: " ") { i += 1 }
        var messageStart = i
        if pid < 0, let context = Self.processContext(p, from: start, to: nameEnd) {
            // Dovecot's own log: the program is the process, the message keeps the whole prefix.
            nameEnd = context
            messageStart = start
        }
        let program = symbols.intern(UnsafeBufferPointer(start: p + start, count: nameEnd - start))
        out.initialize(to: LogRecord(time: time, host: host, program: program, pid: pid, lineStart: offset,
                                     messageStart: offset + Int32(messageStart), messageEnd: offset + Int32(n)))
        return nil
    }

    /// Dovecot's own log file names a process with its context: `auth-worker(22401)`,
    /// `lmtp(user)<pid><session>`, `auth(user,ip,sasl:login)<session>` (2.4). As a program that
    /// would be a new name per session, past the symbol table's room, and the user and address
    /// would sit where no rule reads them. So the program is the process (`lmtp`) and the message
    /// starts with the whole prefix, as it does through syslog (`dovecot: lmtp(user)<…>: …`).
    /// Returns the index of the name's '(' when one follows at least one byte of name; only tags
    /// without a pid get here.
    @inline(never)
    private static func processContext(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard end - start > 1, let found = memchr(p + start + 1, Int32(UInt8(ascii: "(")), end - start - 1) else { return nil }
        return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(found))
    }

    /// Dovecot 2.4's own log names its process with the event's fields in parentheses, and those
    /// hold ':' (`auth(user,2001:db8::7,sasl:login)<session>: Info: …`; that log has no pid).
    /// When the name from `start` opens a parenthesis that the `colon` sits in, the tag ends at the
    /// first ':' after its ')'; nil (the colon ends the tag) when there is none before a space or
    /// a '['. Not inlined: only names with such a colon get here.
    @inline(never)
    private static func tagEndAfterParentheses(_ p: UnsafePointer<UInt8>, from start: Int, colon: Int,
                                               limit: Int) -> Int? {
        var k = colon
        while k > start, p[k - 1] != UInt8(ascii: "("), p[k - 1] != UInt8(ascii: ")") { k -= 1 }
        guard k > start, p[k - 1] == UInt8(ascii: "(") else { return nil }
        k = colon + 1
        while k < limit, p[k] != UInt8(ascii: ")"), p[k] != UInt8(ascii: " ") { k += 1 }
        guard k < limit, p[k] == UInt8(ascii: ")") else { return nil }
        while k < limit {
            let b = p[k]
            if b == UInt8(ascii: ":") { return k }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "[") { return nil }
            k += 1
        }
        return nil
    }

    /// The pid's digits at `start` (at most 9) as a number, and the index after them.
    /// Not inlined: inside `parseTag` its word arithmetic made the optimizer outline `parseTag` itself.
    @inline(never)
    private static func pidDigits(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> (Int32, Int) {
        // Eight bytes at once while the line has them: the first byte outside "0"..."9" ends the
        // digits (digits neither borrow nor carry, so that byte is flagged exactly), and up to seven
        // digits become a number in three multiplies, zeros shifted in ahead of them.
        if start &+ 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + start).loadUnaligned(as: UInt64.self))
            let outside = ((w &- 0x3030_3030_3030_3030) | (w &+ 0x4646_4646_4646_4646)) & 0x8080_8080_8080_8080
            let count = outside.trailingZeroBitCount >> 3
            if count < 8 {
                guard count > 0 else { return (0, start) }
                var v = (w & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(8 &* (8 &- count))
                v = ((v &* 2561) >> 8) & 0x00FF_00FF_00FF_00FF
                v = ((v &* 6_553_601) >> 16) & 0x0000_FFFF_0000_FFFF
                v = (v &* 42_949_672_960_001) >> 32
                return (Int32(truncatingIfNeeded: v), start &+ count)
            }
        }
        var i = start
        var value: Int32 = 0
        while i < n, isDigit(p[i]), i - start < 9 {
            value = value &* 10 &+ Int32(p[i] &- 48)
            i += 1
        }
        return (value, i)
    }

    // MARK: timestamps

    /// `Mmm dd hh:mm:ss` with the day space-padded, zero-padded or not padded.
    @inline(__always)
    private mutating func parse3164Time(_ p: UnsafePointer<UInt8>, _ n: Int, from s: Int) -> (Int64, Int)? {
        guard s + 14 <= n, p[s + 3] == UInt8(ascii: " ") else { return nil }
        // Consecutive lines mostly share their minute: the same first 12 bytes (`Mmm dd hh:mm`)
        // give the same month, day, year and minute, so only the seconds are left to read.
        let raw = UnsafeRawPointer(p + s)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        if minute.secondsAt != 0, head == minute.head, tail == minute.tail {
            let i = s + minute.secondsAt
            guard i + 2 <= n, p[i - 1] == UInt8(ascii: ":"), isDigit(p[i]), isDigit(p[i + 1]) else { return nil }
            let second = Int(p[i] &- 48) * 10 + Int(p[i + 1] &- 48)
            guard second < 61 else { return nil }
            guard let (micros, end) = fractionAndEnd(p, n, from: i + 2) else { return nil }
            return (Int64(zone.utc(fromLocal: minute.local + second)) * 1_000_000 + Int64(micros), end)
        }
        let month = monthNumber(p[s], p[s + 1], p[s + 2])
        guard month > 0 else { return nil }
        var i = s + 4
        if p[i] == UInt8(ascii: " ") { i += 1 }
        guard isDigit(p[i]) else { return nil }
        var day = Int(p[i] &- 48)
        i += 1
        if isDigit(p[i]) {
            day = day * 10 + Int(p[i] &- 48)
            i += 1
        }
        guard p[i] == UInt8(ascii: " "), i + 9 <= n, (1...31).contains(day) else { return nil }
        guard let seconds = clock(p, n, at: i + 1) else { return nil }
        let secondsAt = i + 7 - s
        // The end is checked before the year: a line that fails here must not move the tracker.
        guard let (micros, end) = fractionAndEnd(p, n, from: i + 9) else { return nil }
        let year = years.year(forMonth: month)
        guard day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        // The digits, not seconds % 60: a leap second (:60) belongs to the minute it is written in.
        let second = Int(p[s + secondsAt] &- 48) * 10 + Int(p[s + secondsAt + 1] &- 48)
        let minuteStart = dayStart(year: year, month: month, day: day) + seconds - second
        // Cached only once the minute is known good; the seconds are checked again on a hit.
        minute = MinuteCache(head: head, tail: tail, secondsAt: secondsAt, local: minuteStart)
        return (Int64(zone.utc(fromLocal: minuteStart + second)) * 1_000_000 + Int64(micros), end)
    }

    /// What follows the seconds of an RFC 3164 time at `i`: an optional fraction (as microseconds),
    /// then a space or the end of the line, whose index is returned.
    @inline(__always)
    private func fractionAndEnd(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> (Int, Int)? {
        var i = start
        // Some configurations add a fraction to RFC 3164 times.
        var micros = 0
        if i < n, p[i] == UInt8(ascii: ".") { (micros, i) = fraction(p, n, from: i + 1) }
        guard i == n || p[i] == UInt8(ascii: " ") else { return nil }
        return (micros, i)
    }

    /// `YYYY-MM-DD(T| )hh:mm:ss[.frac][Z|±hh:mm|±hhmm]`. The third value is true for the space form.
    @inline(__always)
    private mutating func parseISOTime(_ p: UnsafePointer<UInt8>, _ n: Int, from s: Int) -> (Int64, Int, Bool)? {
        guard s + 19 <= n, p[s + 4] == UInt8(ascii: "-"), p[s + 7] == UInt8(ascii: "-") else { return nil }
        let sep = p[s + 10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: " ") else { return nil }
        guard let year = digits(p, s, 4), let month = digits(p, s + 5, 2), let day = digits(p, s + 8, 2),
              (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
              let seconds = clock(p, n, at: s + 11) else { return nil }
        var i = s + 19
        var micros = 0
        if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") { (micros, i) = fraction(p, n, from: i + 1) }
        let local = dayStart(year: year, month: month, day: day) + seconds
        var utc: Int
        if i < n, p[i] == UInt8(ascii: "Z") {
            utc = local
            i += 1
        } else if i + 3 <= n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-"),
                  let hh = digits(p, i + 1, 2) {
            let sign = p[i] == UInt8(ascii: "+") ? 1 : -1
            var mm = 0
            var j = i + 3
            if j + 3 <= n, p[j] == UInt8(ascii: ":"), let m = digits(p, j + 1, 2) {
                mm = m
                j += 3
            } else if j + 2 <= n, let m = digits(p, j, 2) {
                mm = m
                j += 2
            }
            utc = local - sign * (hh * 3600 + mm * 60)
            i = j
        } else {
            utc = zone.utc(fromLocal: local)
        }
        guard i == n || p[i] == UInt8(ascii: " ") else { return nil }
        return (Int64(utc) * 1_000_000 + Int64(micros), i, sep == UInt8(ascii: " "))
    }

    /// `@` and 24 hex digits: TAI64 seconds (offset 2^62 + 10) and nanoseconds.
    private func parseTAI64N(_ p: UnsafePointer<UInt8>, _ n: Int, from s: Int) -> (Int64, Int)? {
        guard s + 25 <= n else { return nil }
        var seconds: UInt64 = 0
        var nanos: UInt64 = 0
        for k in 0..<24 {
            guard let v = hexValue(p[s + 1 + k]) else { return nil }
            if k < 16 { seconds = seconds << 4 | UInt64(v) } else { nanos = nanos << 4 | UInt64(v) }
        }
        let label: UInt64 = 0x4000_0000_0000_000A
        guard seconds >= label, seconds - label < 1 << 40, nanos < 1_000_000_000 else { return nil }
        let i = s + 25
        guard i == n || p[i] == UInt8(ascii: " ") else { return nil }
        return (Int64(seconds - label) * 1_000_000 + Int64(nanos / 1000), i)
    }

    /// RFC 5424 after `<PRI>1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG].
    private mutating func parse5424(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, offset: Int32,
                                    into out: UnsafeMutablePointer<LogRecord>) -> MalformedReason? {
        var i = start
        var time = LogRecord.noTime
        if i < n, p[i] == UInt8(ascii: "-") {
            i += 1
        } else {
            guard let (t, next, _) = parseISOTime(p, n, from: i) else { return .badTimestamp }
            time = t
            i = next
        }
        func field() -> (Int, Int)? {
            guard i < n, p[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            let s = i
            while i < n, p[i] != UInt8(ascii: " ") { i += 1 }
            return i > s ? (s, i) : nil
        }
        guard let hostField = field() else { return .noHost }
        guard let appField = field(), let procField = field(), field() != nil else { return .noProgram }
        // Structured data: "-" or one or more [id k="v" …] elements (with \] and \" escapes inside values).
        guard i < n, p[i] == UInt8(ascii: " ") else { return .noProgram }
        i += 1
        if i < n, p[i] == UInt8(ascii: "-") {
            i += 1
        } else {
            while i < n, p[i] == UInt8(ascii: "[") {
                var inQuotes = false
                i += 1
                while i < n {
                    let b = p[i]
                    if b == UInt8(ascii: "\\") { i += 2; continue }
                    if b == UInt8(ascii: "\"") { inQuotes.toggle() }
                    if b == UInt8(ascii: "]"), !inQuotes { break }
                    i += 1
                }
                guard i < n else { return .noProgram }
                i += 1
            }
        }
        if i < n, p[i] == UInt8(ascii: " ") { i += 1 }
        if i + 3 <= n, p[i] == 0xEF, p[i + 1] == 0xBB, p[i + 2] == 0xBF { i += 3 }
        let isNil = { (f: (Int, Int)) in f.1 - f.0 == 1 && p[f.0] == UInt8(ascii: "-") }
        let host = isNil(hostField) ? Symbol.none
            : symbols.intern(UnsafeBufferPointer(start: p + hostField.0, count: hostField.1 - hostField.0))
        let program = isNil(appField) ? (programOverride ?? .none)
            : symbols.intern(UnsafeBufferPointer(start: p + appField.0, count: appField.1 - appField.0))
        var pid: Int32 = -1
        if !isNil(procField), procField.1 - procField.0 <= 9, let v = digits(p, procField.0, procField.1 - procField.0) {
            pid = Int32(v)
        }
        out.initialize(to: LogRecord(time: time, host: host, program: program, pid: pid, lineStart: offset,
                                     messageStart: offset + Int32(min(i, n)), messageEnd: offset + Int32(n)))
        return nil
    }

    // MARK: small pieces

    @inline(__always)
    private mutating func dayStart(year: Int, month: Int, day: Int) -> Int {
        let key = year << 9 | month << 5 | day
        if key != cachedDayKey {
            cachedDayKey = key
            cachedDayStart = CivilTime.daysFromCivil(year: year, month: month, day: day) * 86400
        }
        return cachedDayStart
    }

    /// `hh:mm:ss` at `i` as seconds of the day.
    @inline(__always)
    private func clock(_ p: UnsafePointer<UInt8>, _ n: Int, at i: Int) -> Int? {
        guard i + 8 <= n, p[i + 2] == UInt8(ascii: ":"), p[i + 5] == UInt8(ascii: ":"),
              let h = digits(p, i, 2), let m = digits(p, i + 3, 2), let s = digits(p, i + 6, 2),
              h < 24, m < 60, s < 61 else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// Up to 9 fraction digits starting at `i`, as microseconds, and the index after them.
    @inline(__always)
    private func fraction(_ p: UnsafePointer<UInt8>, _ n: Int, from i: Int) -> (Int, Int) {
        var j = i
        var value = 0
        var scale = 1_000_000
        while j < n, isDigit(p[j]) {
            if j - i < 6 {
                scale /= 10
                value += Int(p[j] &- 48) * scale
            }
            j += 1
        }
        return (value, j)
    }

    @inline(__always)
    private func digits(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Int? {
        var value = 0
        for k in 0..<count {
            let b = p[i + k]
            guard isDigit(b) else { return nil }
            value = value * 10 + Int(b &- 48)
        }
        return value
    }

    @inline(__always)
    private func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        switch (a, b | 0x20, c | 0x20) {
        case (UInt8(ascii: "J"), UInt8(ascii: "a"), UInt8(ascii: "n")): 1
        case (UInt8(ascii: "F"), UInt8(ascii: "e"), UInt8(ascii: "b")): 2
        case (UInt8(ascii: "M"), UInt8(ascii: "a"), UInt8(ascii: "r")): 3
        case (UInt8(ascii: "A"), UInt8(ascii: "p"), UInt8(ascii: "r")): 4
        case (UInt8(ascii: "M"), UInt8(ascii: "a"), UInt8(ascii: "y")): 5
        case (UInt8(ascii: "J"), UInt8(ascii: "u"), UInt8(ascii: "n")): 6
        case (UInt8(ascii: "J"), UInt8(ascii: "u"), UInt8(ascii: "l")): 7
        case (UInt8(ascii: "A"), UInt8(ascii: "u"), UInt8(ascii: "g")): 8
        case (UInt8(ascii: "S"), UInt8(ascii: "e"), UInt8(ascii: "p")): 9
        case (UInt8(ascii: "O"), UInt8(ascii: "c"), UInt8(ascii: "t")): 10
        case (UInt8(ascii: "N"), UInt8(ascii: "o"), UInt8(ascii: "v")): 11
        case (UInt8(ascii: "D"), UInt8(ascii: "e"), UInt8(ascii: "c")): 12
        default: 0
        }
    }
}

/// The minute of the last RFC 3164 time parsed: its first 12 bytes and what they meant.
private struct MinuteCache {
    var head: UInt64 = 0
    var tail: UInt32 = 0
    /// Where the seconds' digits start, counted from the time's first byte; 0 while empty.
    var secondsAt = 0
    /// Local seconds since the epoch at the start of the minute.
    var local = 0
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

@inline(__always) func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 48...57: b - 48
    case 97...102: b - 87
    case 65...70: b - 55
    default: nil
    }
}
