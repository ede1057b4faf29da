/// A Postfix queue id, built the way Postfix builds it, kept as bytes.
///
/// Short form (`enable_long_queue_ids = no`): the microseconds of the queue
/// file's creation as 5 hex digits, then the inode number in hex (here 5
/// digits): `6E06752608`. Long form: seconds in base 52 (6 characters),
/// microseconds in base 52 (4), `z`, the inode in base 51 (4): `4PbC4x469Jz3tBr`.
struct QueueID: Equatable {
    /// Up to 16 bytes, packed little-endian into two words.
    private(set) var low: UInt64 = 0
    private(set) var high: UInt64 = 0
    private(set) var count: UInt8 = 0

    static let base52: StaticString = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"

    static func short(micros: Int64, inode: UInt32) -> QueueID {
        var id = QueueID()
        let usec = UInt64(micros % 1_000_000)
        let hex: StaticString = "0123456789ABCDEF"
        for shift in stride(from: 16, through: 0, by: -4) { id.push(hex.utf8Start[Int((usec >> UInt64(shift)) & 15)]) }
        for shift in stride(from: 16, through: 0, by: -4) { id.push(hex.utf8Start[Int((UInt64(inode) >> UInt64(shift)) & 15)]) }
        return id
    }

    static func long(micros: Int64, inode: UInt32) -> QueueID {
        var id = QueueID()
        let alphabet = base52.utf8Start
        id.pushBase(UInt64(micros / 1_000_000), digits: 6, radix: 52, alphabet)
        id.pushBase(UInt64(micros % 1_000_000), digits: 4, radix: 52, alphabet)
        id.push(UInt8(ascii: "z"))
        id.pushBase(UInt64(inode), digits: 4, radix: 51, alphabet)
        return id
    }

    private mutating func pushBase(_ value: UInt64, digits: Int, radix: UInt64, _ alphabet: UnsafePointer<UInt8>) {
        var chars: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        var v = value
        withUnsafeMutableBytes(of: &chars) { raw in
            for i in stride(from: digits - 1, through: 0, by: -1) {
                raw[i] = alphabet[Int(v % radix)]
                v /= radix
            }
        }
        withUnsafeBytes(of: chars) { raw in
            for i in 0..<digits { push(raw[i]) }
        }
    }

    private mutating func push(_ byte: UInt8) {
        let i = Int(count)
        if i < 8 { low |= UInt64(byte) << UInt64(i * 8) } else { high |= UInt64(byte) << UInt64((i - 8) * 8) }
        count += 1
    }

    @inline(__always)
    func write(into out: inout ByteWriter) {
        withUnsafeBytes(of: (low, high)) { raw in
            out.append(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), Int(count))
        }
    }

    var string: String {
        withUnsafeBytes(of: (low, high)) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<Int(count)]), as: UTF8.self)
        }
    }
}
