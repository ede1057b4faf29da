import MailslaCore
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The strings the correlator made lately for captured fields, found again by
/// their bytes: a value seen before (a mailbox address, a relay, a client
/// name, the message-id and sender of a re-injected copy) shares the string
/// made the first time instead of allocating, copying and freeing its own.
///
/// A direct-mapped table of `size` slots: a value whose slot holds another
/// string replaces it, so memory is bounded and no input can make a lookup
/// slow. A string is returned only when its UTF-8 bytes equal the value's,
/// so the answer is always `String(decoding: value, as: UTF8.self)`. Values
/// of up to 15 bytes are made directly: Swift stores them inline, without
/// an allocation. The class owns the table; `EventView` reads it through a
/// `Table`, a pointer and a mask, so that a field's string costs no retain and
/// release of the owner (an unowned reference is retained for each call made
/// through it). Used by one correlator on one thread.
final class RecentStrings {
    let table: Table

    init(size: Int = 4096) {
        precondition(size > 0 && size & (size - 1) == 0, "size must be a power of two")
        let slots = UnsafeMutableBufferPointer<String?>.allocate(capacity: size)
        slots.initialize(repeating: nil)
        table = Table(slots: slots.baseAddress!, mask: size - 1)
    }

    deinit {
        let slots = UnsafeMutableBufferPointer(start: table.slots, count: table.mask + 1)
        slots.deinitialize()
        slots.deallocate()
    }

    func string(_ value: UnsafeBufferPointer<UInt8>) -> String { table.string(value) }
}

extension RecentStrings {
    /// The owner's slots, valid while the `RecentStrings` lives.
    struct Table {
        let slots: UnsafeMutablePointer<String?>
        let mask: Int

        func string(_ value: UnsafeBufferPointer<UInt8>) -> String {
            guard value.count > 15 else { return String(decoding: value, as: UTF8.self) }
            let slot = Self.hash(value) & mask
            if let known = slots[slot], known.utf8.count == value.count,
               known.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, value.baseAddress!, value.count) == 0 }) == true {
                return known
            }
            let made = String(decoding: value, as: UTF8.self)
            slots[slot] = made
            return made
        }

        private static func hash(_ value: UnsafeBufferPointer<UInt8>) -> Int {
            Int(truncatingIfNeeded: WordHash.fold(UnsafeRawBufferPointer(value)))
        }
    }
}
