/// The shape of a log message: the message with its variable parts masked,
/// so that the many unmatched lines a rule author has to look at fold into a
/// few lines that differ in wording only.
///
/// Masks, in byte mode: `<…>` (addresses, message ids) → `<ADDR>` (`<>`
/// and `<LF>`-style markers stay), IPv4/IPv6 addresses → `IP`, Postfix queue
/// ids (short and long form) → `QID`, numbers (also `2.0.0`, `0.12`, times)
/// → `N`, bare mail addresses → `ADDR`, dotted host names → `HOST`, long hex
/// strings → `HEX`, other long letter-and-digit ids → `ID`, and digit runs
/// inside other words → `N` (`mx1` → `mxN`).
/// Everything else is copied. A shape is cut at `maxLength` bytes and then
/// ends in `…`.
///
/// Cost: one pass over the message, no allocation beyond the output buffer.
public enum MessageShape {
    public static let maxLength = 240

    /// The shape of `message` as text (invalid UTF-8 shows as U+FFFD).
    public static func of(_ message: String) -> String {
        var out: [UInt8] = []
        Array(message.utf8).withUnsafeBufferPointer { mask($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the shape of `message` into `out`, replacing its contents.
    public static func mask(_ message: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let n = message.count
        var i = 0
        while i < n, out.count < maxLength {
            let c = message[i]
            if c == UInt8(ascii: "<"), let end = angleEnd(message, from: i) {
                let inner = end - i - 1
                if inner == 0 || isMarker(message, i + 1, end) {
                    out.append(contentsOf: message[i...end])
                } else {
                    out.append(contentsOf: Self.addrInBrackets)
                }
                i = end + 1
            } else if isTokenByte(c) {
                var j = i
                while j < n, isTokenByte(message[j]) { j += 1 }
                token(message, i, j, into: &out)
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        if i < n || out.count > maxLength {
            if out.count > maxLength { out.removeLast(out.count - maxLength) }
            out.append(contentsOf: [0xE2, 0x80, 0xA6]) // …
        }
    }

    // MARK: - Tokens

    private static let addrInBrackets = Array("<ADDR>".utf8)
    private static let ip = Array("IP".utf8)
    private static let qid = Array("QID".utf8)
    private static let number = Array("N".utf8)
    private static let addr = Array("ADDR".utf8)
    private static let host = Array("HOST".utf8)
    private static let hexID = Array("HEX".utf8)
    private static let mixedID = Array("ID".utf8)

    /// Word characters plus the punctuation that joins the parts of an
    /// address, a host name, a number or a queue id. `=`, `/`, `,`, brackets
    /// and spaces separate tokens, so `delay=0.12` is `delay=N`.
    @inline(__always)
    static func isTokenByte(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: ":") || c == UInt8(ascii: "@") || c == UInt8(ascii: "+")
    }

    /// The index of the `>` closing the `<` at `start`, if it comes within 512 bytes and before another `<`.
    private static func angleEnd(_ m: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var j = start + 1
        let limit = min(m.count, start + 512)
        while j < limit {
            if m[j] == UInt8(ascii: ">") { return j }
            if m[j] == UInt8(ascii: "<") { return nil }
            j += 1
        }
        return nil
    }

    /// `<LF>`, `<CR>`: a few upper-case letters are wording, not an address.
    private static func isMarker(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start <= 8 else { return false }
        for k in start..<end where !(m[k] >= UInt8(ascii: "A") && m[k] <= UInt8(ascii: "Z")) { return false }
        return true
    }

    /// Masks one token `m[start..<end]`.
    private static func token(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        if let ipEnd = ipAddress(m, start, end) {
            out.append(contentsOf: ip)
            if ipEnd < end { token(m, ipEnd, end, into: &out) }
            return
        }
        // Sentence and field punctuation at the end is wording: "queued as QID." / "QID:".
        var stop = end
        while stop > start, m[stop - 1] == UInt8(ascii: ".") || m[stop - 1] == UInt8(ascii: ":")
            || m[stop - 1] == UInt8(ascii: "-") {
            stop -= 1
        }
        if stop > start {
            let word = UnsafeBufferPointer(rebasing: m[start..<stop])
            if isNumber(word) {
                out.append(contentsOf: number)
            } else if isQueueID(word) {
                out.append(contentsOf: qid)
            } else if word.contains(UInt8(ascii: "@")) {
                out.append(contentsOf: addr)
            } else if isHostName(word) {
                out.append(contentsOf: host)
            } else if isLongHex(word) {
                out.append(contentsOf: hexID)
            } else if isMixedID(word) {
                out.append(contentsOf: mixedID)
            } else {
                maskDigits(word, into: &out)
            }
        }
        out.append(contentsOf: m[stop..<end])
    }

    /// Where an IPv4 (optionally `:port`) or IPv6 address that starts the token ends, if one does.
    private static func ipAddress(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        // IPv4: four dotted groups of 1-3 digits.
        var j = start
        var groups = 0
        while j < end {
            var digits = 0
            while j < end, isDigit(m[j]), digits < 4 {
                j += 1
                digits += 1
            }
            guard digits >= 1, digits <= 3 else { break }
            groups += 1
            if groups == 4 {
                if j < end, isDigit(m[j]) { break }
                return j
            }
            guard j < end, m[j] == UInt8(ascii: ".") else { break }
            j += 1
        }
        // IPv6: hex digits, colons and (for a mapped IPv4 tail) dots, with at
        // least two colons and at least one hex digit; not a time (N:N:N).
        var colons = 0, letters = 0, hex = 0
        j = start
        while j < end, isHex(m[j]) || m[j] == UInt8(ascii: ":") || m[j] == UInt8(ascii: ".") {
            if m[j] == UInt8(ascii: ":") { colons += 1 } else if isHex(m[j]) {
                hex += 1
                if !isDigit(m[j]) { letters += 1 }
            }
            j += 1
        }
        guard colons >= 2, hex >= 1, j == end || !isAlnum(m[j]) else { return nil }
        if letters == 0 && !m[start..<j].contains(where: { $0 == UInt8(ascii: ".") }) && colons <= 2 && j - start <= 8 {
            return nil // 00:00:31 is a time: a number
        }
        return j
    }

    /// Digits with `.`, `,` or `:` between them: counts, sizes, DSNs, decimals, times.
    private static func isNumber(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = w.first, isDigit(first) else { return false }
        for c in w where !(isDigit(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: ":")) {
            return false
        }
        return true
    }

    /// A Postfix queue id: 6-21 upper-case hex digits with a digit among
    /// them, or 10-20 characters of the long-id alphabet (no vowels) with
    /// digits and letters.
    private static func isQueueID(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0, upperHex = true, longAlphabet = true
        for c in w {
            if isDigit(c) { digits += 1; continue }
            if !(c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F")) { upperHex = false }
            if !isAlpha(c) || Self.vowels.contains(c) { longAlphabet = false }
        }
        guard digits > 0 else { return false }
        if upperHex, (6...21).contains(w.count) { return true }
        return longAlphabet && digits < w.count && (10...20).contains(w.count)
    }

    private static let vowels: Set<UInt8> = Set("AEIOUaeiou".utf8)

    /// Two or more dot-separated labels, the last one letters only (a TLD): `mail.example.com`.
    private static func isHostName(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let lastDot = w.lastIndex(of: UInt8(ascii: ".")), lastDot > 0, lastDot < w.count - 2 else { return false }
        for c in w[(lastDot + 1)...] where !isAlpha(c) { return false }
        for c in w[..<lastDot] where !(isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) {
            return false
        }
        return true
    }

    /// 16 or more hex digits with a digit among them: a hash, a session or message id.
    private static func isLongHex(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        w.count >= 16 && w.allSatisfy(isHex) && w.contains(where: isDigit)
    }

    /// 12 or more letters and digits, at least two of each: another program's message or session id.
    private static func isMixedID(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        guard w.count >= 12, w.allSatisfy(isAlnum) else { return false }
        let digits = w.filter(isDigit).count
        return digits >= 2 && w.count - digits >= 2
    }

    /// Copies a word with each run of digits replaced by `N`.
    private static func maskDigits(_ w: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var inDigits = false
        for c in w {
            if isDigit(c) {
                if !inDigits { out.append(UInt8(ascii: "N")) }
                inDigits = true
            } else {
                out.append(c)
                inDigits = false
            }
        }
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
}
