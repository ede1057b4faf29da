/// Equality of short byte strings (names, field prefixes) without a call to memcmp.
///
/// Hosts, programs and journal field names are a few bytes long; on the per-line and
/// per-entry paths a memcmp call costs more than the comparison itself. Inlinable so the
/// journal reader's constant prefixes fold into one or two word compares.
public enum ShortBytes {
    /// True when the `count` bytes at `a` and at `b` are equal. Reads only those bytes:
    /// 8-byte words (the last one overlapping) from 8 bytes on, 4-byte words from 4, bytes below.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count n: Int) -> Bool {
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i += 8
            }
            return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        var i = 0
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}
