import Dispatch

extension Array where Element: Sendable {
    /// `map` spread over the machine's cores, results in the elements' order.
    ///
    /// For the rule pack's start-up work, which is independent per file and per
    /// rule and runs before any line is read, while the second core is idle:
    /// each element is transformed exactly once, on whichever thread takes it.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            withUnsafeBufferPointer { elements in
                let slots = Slots(elements: elements, results: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: elements.count) { i in
                    (slots.results + i).initialize(to: transform(slots.elements[i]))
                }
            }
            initialized = count
        }
    }
}

/// The memory one `concurrentMap` reads and fills: each result slot is written by
/// exactly one iteration, and the caller reads none before all have finished.
private struct Slots<Element, T>: @unchecked Sendable {
    let elements: UnsafeBufferPointer<Element>
    let results: UnsafeMutablePointer<T>
}
