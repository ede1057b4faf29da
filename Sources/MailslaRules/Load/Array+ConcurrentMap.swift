import Foundation
import MailslaCore
import Synchronization

extension Array where Element: Sendable {
    /// `map` spread over this thread and one thread of its own, results in the elements' order.
    ///
    /// For the rule pack's start-up work, which is independent per file and per rule and runs
    /// before any line is read, while the second core is idle. The second worker is a thread of
    /// its own, not Dispatch's pool: that pool also runs Swift's tasks, and a pack loaded from a
    /// task (`mailsla tail`'s reload, the tests) must not take a second pool thread from them.
    /// Each element is transformed exactly once, on whichever thread takes it.
    func concurrentMap<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T) -> [T] {
        guard count > 1, ProcessInfo.processInfo.activeProcessorCount > 1 else { return map(transform) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            withUnsafeBufferPointer { elements in
                let work = MapWork(elements: elements, results: buffer.baseAddress!, transform: transform)
                startThread(named: "mailsla-load") { work.run() }
                work.run()
                work.finished.wait()
            }
            initialized = count
        }
    }
}

/// The memory one `concurrentMap` reads and fills, and the index of the next element to take:
/// each result slot is written by exactly one worker, and the caller reads none before both
/// workers have run out of elements (`finished` counts the helper's end).
private final class MapWork<Element, T>: @unchecked Sendable {
    let elements: UnsafeBufferPointer<Element>
    let results: UnsafeMutablePointer<T>
    let transform: (Element) -> T
    let next = Atomic<Int>(0)
    let finished = DispatchSemaphore(value: 0)
    private let workers = Atomic<Int>(2)

    init(elements: UnsafeBufferPointer<Element>, results: UnsafeMutablePointer<T>, transform: @escaping (Element) -> T) {
        self.elements = elements
        self.results = results
        self.transform = transform
    }

    /// Takes elements until none is left; the last of the two workers to finish signals `finished`.
    func run() {
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            guard i < elements.count else { break }
            (results + i).initialize(to: transform(elements[i]))
        }
        if workers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.signal() }
    }
}
