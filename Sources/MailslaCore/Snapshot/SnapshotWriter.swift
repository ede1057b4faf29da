/// Builds a snapshot: the binary form in which `mailsla tail` stores a
/// pipeline's state in its checkpoint.
///
/// Layout: the magic `MSLASNAP`, the format version, then named sections
/// (name, byte length, payload), then a CRC-32 of everything before it.
/// Inside a section: LEB128 varints, zig-zag for signed numbers, doubles as
/// their 8 bit-pattern bytes, length-prefixed bytes and strings. Explicit
/// code instead of `Codable`: it builds in release, costs no reflection and
/// keeps the format under our control.
public struct SnapshotWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Starts a whole snapshot: the magic and the format version.
    public mutating func header() {
        bytes += SnapshotDocument.magic
        uint(UInt64(SnapshotDocument.version))
    }

    /// Appends a named section whose content `body` writes; readers skip sections they do not know.
    public mutating func section(_ name: String, _ body: (inout SnapshotWriter) -> Void) {
        var inner = SnapshotWriter()
        body(&inner)
        string(name)
        count(inner.bytes.count)
        bytes += inner.bytes
    }

    /// Ends a whole snapshot with the checksum of everything before it.
    public mutating func seal() {
        let sum = CRC32.of(bytes[...])
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: sum >> UInt32(shift))) }
    }

    @inline(__always)
    public mutating func uint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A length or an index (never negative).
    @inline(__always)
    public mutating func count(_ value: Int) { uint(UInt64(max(0, value))) }

    @inline(__always)
    public mutating func int(_ value: Int64) { uint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func double(_ value: Double) { fixed64(value.bitPattern) }

    public mutating func float(_ value: Float) { uint(UInt64(value.bitPattern)) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func bytes(_ value: [UInt8]) {
        count(value.count)
        bytes += value
    }

    public mutating func string(_ value: String) {
        count(value.utf8.count)
        bytes += value.utf8
    }

    /// A presence flag, then the value.
    public mutating func optional<T>(_ value: T?, _ write: (inout SnapshotWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    /// The count, then each element.
    public mutating func array<T>(_ values: [T], _ write: (inout SnapshotWriter, T) -> Void) {
        count(values.count)
        for value in values { write(&self, value) }
    }

    public mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }
    public mutating func optionalInt(_ value: Int64?) { optional(value) { $0.int($1) } }
    public mutating func optionalDouble(_ value: Double?) { optional(value) { $0.double($1) } }
}

/// CRC-32 (IEEE, as zlib): detects a damaged snapshot before any of it is trusted.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func of(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                for byte in b { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
            }
        }
        return c ^ 0xFFFF_FFFF
    }
}
