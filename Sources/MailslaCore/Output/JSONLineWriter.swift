/// Builds JSON objects straight into a byte buffer, one per line, without
/// Foundation's encoder: fast enough to write an object for every record.
/// Invalid UTF-8 in a value is written as U+FFFD and counted.
public struct JSONLineWriter {
    public private(set) var buffer: [UInt8] = []
    public private(set) var invalidUTF8Values = 0
    private var needsComma = false

    public init() { buffer.reserveCapacity(1 << 16) }

    public mutating func beginObject() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        buffer.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A decimal number with up to six fraction digits and no trailing zeros.
    public mutating func decimal(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        let micros = Int((value * 1_000_000).rounded())
        let whole = micros / 1_000_000
        var fraction = abs(micros % 1_000_000)
        if micros < 0 && whole == 0 { buffer.append(UInt8(ascii: "-")) }
        buffer.append(contentsOf: String(whole).utf8)
        guard fraction != 0 else { return }
        var digits = 6
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        buffer.append(UInt8(ascii: "."))
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits - text.count))
        buffer.append(contentsOf: text.utf8)
    }

    /// Ends the current line (one object per line).
    public mutating func endLine() {
        buffer.append(0x0A)
        needsComma = false
    }

    /// Empties the buffer after its bytes were written out.
    public mutating func reset() { buffer.removeAll(keepingCapacity: true) }

    public mutating func key(_ name: StaticString) {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    public mutating func key(_ name: String) {
        string(name)
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Values, keys and nested containers separate themselves: a comma goes before anything after a value.
    @inline(__always)
    private mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        number(value)
    }

    public mutating func field(_ name: StaticString, bytes: UnsafeBufferPointer<UInt8>) {
        key(name)
        string(bytes)
    }

    public mutating func number(_ value: Int) {
        separate()
        buffer.append(contentsOf: String(value).utf8)
    }

    public mutating func boolean(_ value: Bool) {
        separate()
        buffer.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separate()
        buffer.append(contentsOf: "null".utf8)
    }

    public mutating func string(_ value: String) {
        var v = value
        v.withUTF8 { string($0) }
    }

    /// Writes `bytes` as a JSON string, escaping controls and replacing invalid UTF-8.
    public mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        var i = 0
        let n = bytes.count
        var sawInvalid = false
        while i < n {
            let b = bytes[i]
            if b >= 0x20, b < 0x80, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") {
                buffer.append(b)
                i += 1
                continue
            }
            if b < 0x80 {
                switch b {
                case UInt8(ascii: "\""): buffer.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
                case 0x0A: buffer.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0D: buffer.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: buffer.append(contentsOf: [92, UInt8(ascii: "t")])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
                i += 1
                continue
            }
            let length = Self.validSequenceLength(bytes, at: i)
            if length > 0 {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<i + length]))
                i += length
            } else {
                buffer.append(contentsOf: [0xEF, 0xBF, 0xBD])
                sawInvalid = true
                i += 1
            }
        }
        if sawInvalid { invalidUTF8Values += 1 }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Length of the well-formed UTF-8 sequence starting at `i` (a non-ASCII lead byte), or 0.
    static func validSequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = b[i]
        let n = b.count
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && b[i + k] >= lo && b[i + k] <= hi
        }
        switch lead {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
