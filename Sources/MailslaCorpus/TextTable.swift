/// Fixed byte strings the generator writes over and over (names, addresses,
/// hosts), stored once in one block so writing one is a `memcpy` with no
/// reference counting or bounds checks on the hot path.
final class TextTable: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int32>
    let count: Int

    /// Freezes `builder`'s strings; the table is immutable afterwards (hence `@unchecked Sendable`).
    init(_ builder: Builder) {
        count = builder.offsets.count - 1
        base = .allocate(capacity: max(builder.bytes.count, 1))
        base.initialize(from: builder.bytes, count: builder.bytes.count)
        offsets = .allocate(capacity: builder.offsets.count)
        offsets.initialize(from: builder.offsets, count: builder.offsets.count)
    }

    deinit {
        base.deallocate()
        offsets.deallocate()
    }

    @inline(__always)
    func write(_ id: Int32, into out: inout ByteWriter) {
        let start = Int(offsets[Int(id)])
        out.append(base + start, Int(offsets[Int(id) + 1]) - start)
    }

    /// The string as text (for the truth file and tests, not the hot path).
    func string(_ id: Int32) -> String {
        let start = Int(offsets[Int(id)])
        let end = Int(offsets[Int(id) + 1])
        return String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }

    /// The length of string `id` in bytes.
    @inline(__always)
    func length(_ id: Int32) -> Int { Int(offsets[Int(id) + 1] - offsets[Int(id)]) }

    /// The byte at `index` of string `id`.
    @inline(__always)
    func byte(_ id: Int32, _ index: Int) -> UInt8 { base[Int(offsets[Int(id)]) + index] }

    struct Builder {
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]

        /// Adds `text` and returns its id.
        @discardableResult
        mutating func add(_ text: String) -> Int32 {
            bytes += Array(text.utf8)
            offsets.append(Int32(bytes.count))
            return Int32(offsets.count - 2)
        }

        /// Adds every string and returns the range of their ids.
        mutating func add(_ texts: [String]) -> Range<Int32> {
            let first = Int32(offsets.count - 1)
            for text in texts { add(text) }
            return first..<Int32(offsets.count - 1)
        }
    }
}
