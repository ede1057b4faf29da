/// The bytes a batch's lines and records point into: either an array (what a framer read into
/// its buffer, or what a journal reader gathered) or a window of a mapped file, borrowed in place.
///
/// A plain log file is framed straight in its mapping, which saves the kernel's copy of every byte
/// into a buffer (a twelfth of frame+parse+classify on one core, docs/performance.md, session 13).
/// The window's owner (the mapping) stays alive as long as any batch holds it. Mutating a window
/// first copies it into an array.
public struct BatchBytes: @unchecked Sendable {
    // @unchecked: a window's bytes are never written, and its owner unmaps them only when the
    // last batch that holds it is gone.
    @usableFromInline enum Storage {
        case array([UInt8])
        case window(UnsafePointer<UInt8>, count: Int, owner: AnyObject)
    }

    @usableFromInline var storage: Storage

    public init(_ array: [UInt8] = []) { storage = .array(array) }

    /// `count` bytes at `base`, kept readable by `owner` for as long as this value (or a copy) lives.
    public init(borrowing base: UnsafePointer<UInt8>, count: Int, owner: AnyObject) {
        storage = .window(base, count: count, owner: owner)
    }

    @inlinable public var count: Int {
        switch storage {
        case .array(let array): array.count
        case .window(_, let count, _): count
        }
    }

    /// Whether the bytes are borrowed from a mapping rather than held in an array.
    public var isBorrowed: Bool {
        if case .window = storage { return true }
        return false
    }

    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch storage {
        case .array(let array):
            return try array.withUnsafeBufferPointer(body)
        case .window(let base, let count, let owner):
            return try withExtendedLifetime(owner) { try body(UnsafeBufferPointer(start: base, count: count)) }
        }
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] {
        switch storage {
        case .array(let array): array
        case .window: withUnsafeBufferPointer { Array($0) }
        }
    }

    /// A copy of the bytes in `range`.
    public subscript(range: Range<Int>) -> [UInt8] {
        withUnsafeBufferPointer { Array($0[range]) }
    }

    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        var array = takeArray()
        array.append(contentsOf: bytes)
        storage = .array(array)
    }

    /// Empties the bytes; an array keeps its capacity when asked, a window is let go.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        guard case .array = storage else {
            storage = .array([])
            return
        }
        var array = takeArray()
        array.removeAll(keepingCapacity: keepingCapacity)
        storage = .array(array)
    }

    /// Moves the bytes out as an array (a window is copied), leaving this empty: for a writer
    /// that appends entry by entry (the journal reader), then puts the array back.
    public mutating func takeArray() -> [UInt8] {
        let taken = array
        storage = .array([])
        return taken
    }
}
