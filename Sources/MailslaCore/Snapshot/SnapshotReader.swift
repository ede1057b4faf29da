/// Why a snapshot could not be loaded: where (section and byte offset) and what.
public struct SnapshotError: Error, CustomStringConvertible, Equatable {
    public var section: String
    public var offset: Int
    public var message: String

    public init(section: String, offset: Int, _ message: String) {
        self.section = section
        self.offset = offset
        self.message = message
    }

    public var description: String { "snapshot section \(section) at byte \(offset): \(message)" }
}

/// A whole snapshot, checked (magic, version, checksum) and split into its sections.
public struct SnapshotDocument {
    public static let magic: [UInt8] = Array("MSLASNAP".utf8)
    /// Raised when the layout changes incompatibly; a newer snapshot is refused, never guessed at.
    public static let version = 1

    public let version: Int
    private var sections: [String: SnapshotReader] = [:]
    public private(set) var sectionNames: [String] = []

    public init(_ bytes: [UInt8]) throws {
        let whole = SnapshotReader(bytes, section: "header")
        guard bytes.count >= Self.magic.count + 5, bytes[0..<Self.magic.count].elementsEqual(Self.magic) else {
            throw SnapshotError(section: "header", offset: 0, "not a mailsla snapshot (no MSLASNAP magic)")
        }
        let end = bytes.count - 4
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[end + i]) << UInt32(8 * i) }
        guard CRC32.of(bytes[0..<end]) == stored else {
            throw SnapshotError(section: "header", offset: end, "checksum mismatch: the snapshot is damaged or cut short")
        }
        var reader = whole.limited(from: Self.magic.count, to: end)
        let version = try reader.uint()
        guard version >= 1, version <= UInt64(Self.version) else {
            throw SnapshotError(section: "header", offset: Self.magic.count,
                                "format version \(version) is not supported (this mailsla reads up to \(Self.version))")
        }
        self.version = Int(version)
        while !reader.atEnd {
            let name = try reader.string()
            let length = try reader.count()
            let start = reader.position
            try reader.skip(length)
            guard sections[name] == nil else {
                throw SnapshotError(section: name, offset: start, "section appears twice")
            }
            sections[name] = whole.limited(from: start, to: start + length, section: name)
            sectionNames.append(name)
        }
    }

    /// The section's reader, or nil when the snapshot has none of that name.
    public func section(_ name: String) -> SnapshotReader? { sections[name] }

    public func require(_ name: String) throws -> SnapshotReader {
        guard let reader = sections[name] else {
            throw SnapshotError(section: name, offset: 0, "the snapshot has no \(name) section")
        }
        return reader
    }
}

/// Reads one section. Every read is bounds-checked and every count is
/// checked against the bytes left, so a truncated or hostile snapshot makes
/// a `SnapshotError` naming the section and the offset, never a trap or a
/// huge allocation.
public struct SnapshotReader {
    private let data: [UInt8]
    public private(set) var position: Int
    private let end: Int
    public let section: String

    init(_ bytes: [UInt8], section: String) {
        data = bytes
        position = 0
        end = bytes.count
        self.section = section
    }

    private init(_ bytes: [UInt8], from: Int, to: Int, section: String) {
        data = bytes
        position = from
        end = to
        self.section = section
    }

    func limited(from: Int, to: Int, section: String? = nil) -> SnapshotReader {
        SnapshotReader(data, from: from, to: to, section: section ?? self.section)
    }

    public var atEnd: Bool { position >= end }
    public var remaining: Int { end - position }

    /// An error at the current position of this section.
    public func error(_ message: String) -> SnapshotError {
        SnapshotError(section: section, offset: position, message)
    }

    mutating func skip(_ n: Int) throws {
        guard n >= 0, n <= remaining else { throw error("needs \(n) bytes, \(remaining) left") }
        position += n
    }

    @inline(__always)
    public mutating func byte() throws -> UInt8 {
        guard position < end else { throw error("cut short") }
        defer { position += 1 }
        return data[position]
    }

    public mutating func uint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63, b > 1 { throw error("varint overflows 64 bits") }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes") }
        }
    }

    /// A length of things each taking at least one byte: at most what is left.
    public mutating func count() throws -> Int {
        let n = try uint()
        guard n <= UInt64(remaining) else { throw error("count \(n) exceeds the \(remaining) bytes left") }
        return Int(n)
    }

    /// An index into something of `limit` elements.
    public mutating func index(below limit: Int) throws -> Int {
        let n = try uint()
        guard n < UInt64(max(0, limit)) else { throw error("index \(n) out of range 0..<\(limit)") }
        return Int(n)
    }

    public mutating func int64() throws -> Int64 {
        let u = try uint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    public mutating func int() throws -> Int { Int(try int64()) }

    public mutating func int32() throws -> Int32 {
        let v = try int64()
        guard let n = Int32(exactly: v) else { throw error("\(v) does not fit 32 bits") }
        return n
    }

    public mutating func uint32() throws -> UInt32 {
        let v = try uint()
        guard let n = UInt32(exactly: v) else { throw error("\(v) does not fit 32 bits") }
        return n
    }

    /// A count that must not be negative (tallies, sizes).
    public mutating func nonNegative() throws -> Int {
        let v = try int()
        guard v >= 0 else { throw error("negative count \(v)") }
        return v
    }

    public mutating func fixed64() throws -> UInt64 {
        guard remaining >= 8 else { throw error("cut short") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(data[position + i]) << UInt64(8 * i) }
        position += 8
        return v
    }

    public mutating func double() throws -> Double { Double(bitPattern: try fixed64()) }

    public mutating func float() throws -> Float { Float(bitPattern: try uint32()) }

    public mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: throw error("\(b) is not a boolean")
        }
    }

    public mutating func bytes() throws -> [UInt8] {
        let n = try count()
        defer { position += n }
        return Array(data[position..<position + n])
    }

    public mutating func string() throws -> String {
        let n = try count()
        defer { position += n }
        return String(decoding: data[position..<position + n], as: UTF8.self)
    }

    public mutating func optional<T>(_ read: (inout SnapshotReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    public mutating func optionalString() throws -> String? { try optional { try $0.string() } }
    public mutating func optionalInt() throws -> Int64? { try optional { try $0.int64() } }
    public mutating func optionalDouble() throws -> Double? { try optional { try $0.double() } }

    /// Reads `count()` elements.
    public mutating func array<T>(_ read: (inout SnapshotReader) throws -> T) throws -> [T] {
        let n = try count()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }
}
