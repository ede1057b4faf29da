/// A binary min-heap of (time, sequence) → flow slot: the next line of every
/// active flow. Ties in time go to the flow that was scheduled first, so the
/// order is total and the output deterministic.
struct EventHeap {
    struct Entry {
        var time: Int64
        var sequence: UInt64
        var slot: Int32

        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }
    }

    private var entries: [Entry] = []
    private var sequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var minTime: Int64? { entries.first?.time }

    mutating func push(time: Int64, slot: Int32) {
        sequence &+= 1
        entries.append(Entry(time: time, sequence: sequence, slot: slot))
        var i = entries.count - 1
        let item = entries[i]
        while i > 0 {
            let parent = (i - 1) >> 1
            guard item < entries[parent] else { break }
            entries[i] = entries[parent]
            i = parent
        }
        entries[i] = item
    }

    mutating func popMin() -> Entry? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if entries.isEmpty { return top }
        var i = 0
        let n = entries.count
        while true {
            let left = 2 * i + 1
            if left >= n { break }
            let right = left + 1
            let child = right < n && entries[right] < entries[left] ? right : left
            guard entries[child] < last else { break }
            entries[i] = entries[child]
            i = child
        }
        entries[i] = last
        return top
    }
}
