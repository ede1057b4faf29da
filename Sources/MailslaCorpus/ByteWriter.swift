#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer that log lines are built in, without `String`
/// formatting: the generator's whole output goes through one of these.
///
/// Every append checks capacity with one predictable branch; the buffer grows
/// by doubling. Numbers are written digit by digit straight into the storage.
/// Noncopyable, so the storage has exactly one owner and is freed once.
public struct ByteWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far, valid inside `body` only.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Forgets the contents, keeping the storage.
    public mutating func removeAll() { count = 0 }

    /// Drops everything after the first `newCount` bytes.
    public mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    @inline(__always)
    mutating func ensure(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let next = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        next.update(from: base, count: count)
        base.deallocate()
        base = next
        capacity = newCapacity
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        ensure(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    public mutating func append(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        ensure(n)
        (base + count).update(from: text.utf8Start, count: n)
        count += n
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        ensure(n)
        (base + count).update(from: bytes.baseAddress!, count: n)
        count += n
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always)
    mutating func append(_ pointer: UnsafePointer<UInt8>, _ n: Int) {
        ensure(n)
        (base + count).update(from: pointer, count: n)
        count += n
    }

    /// Appends the UTF-8 of `text` (slow path: setup and truth files, not lines).
    public mutating func append(string text: String) {
        var copy = text
        copy.withUTF8 { append($0) }
    }

    /// A non-negative integer in decimal.
    @inline(__always)
    public mutating func appendDecimal<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    @inline(__always)
    public mutating func appendDecimal(_ value: UInt64) {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        ensure(digits)
        var v = value
        var i = count + digits - 1
        while true {
            base[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            if v == 0 { break }
            i -= 1
        }
        count += digits
    }

    /// `value` in exactly `width` decimal digits, zero-padded (the top digits are dropped if it is wider).
    @inline(__always)
    public mutating func appendPadded(_ value: Int, width: Int) {
        ensure(width)
        var v = value
        var i = count + width - 1
        while i >= count {
            base[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            i -= 1
        }
        count += width
    }

    /// The low `digits` hex digits of `value`, upper case when `upper`.
    @inline(__always)
    public mutating func appendHex(_ value: UInt64, digits: Int, upper: Bool = true) {
        ensure(digits)
        let alphabet: StaticString = upper ? "0123456789ABCDEF" : "0123456789abcdef"
        let table = alphabet.utf8Start
        var v = value
        var i = count + digits - 1
        while i >= count {
            base[i] = table[Int(v & 15)]
            v >>= 4
            i -= 1
        }
        count += digits
    }

    /// Seconds given in microseconds the way Postfix prints delays: `0`, `0.12`, `6.2`, `30`.
    @inline(__always)
    public mutating func appendPostfixDelay(micros: Int64) {
        let v = max(micros, 0)
        if v >= 10_000_000 {
            appendDecimal(UInt64(v / 1_000_000))
        } else if v >= 1_000_000 {
            appendDecimal(UInt64(v / 1_000_000))
            let tenth = (v / 100_000) % 10
            if tenth != 0 {
                append(UInt8(ascii: "."))
                append(UInt8(truncatingIfNeeded: tenth) &+ 48)
            }
        } else {
            let hundredths = v / 10_000
            if hundredths == 0 {
                append(UInt8(ascii: "0"))
            } else {
                append("0.")
                append(UInt8(truncatingIfNeeded: hundredths / 10) &+ 48)
                if hundredths % 10 != 0 { append(UInt8(truncatingIfNeeded: hundredths % 10) &+ 48) }
            }
        }
    }

    /// Writes everything to `fd` and empties the buffer. Throws `CorpusError.write` with errno's text.
    public mutating func flush(to fd: Int32, path: String) throws(CorpusError) {
        var offset = 0
        while offset < count {
            let n = write(fd, base + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusError.write(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        count = 0
    }
}
