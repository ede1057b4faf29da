extension SymbolTable {
    /// The interned names in id order (from 2: `none` and `overflow` are fixed), as bytes.
    public func snapshot(into w: inout SnapshotWriter) {
        w.count(bytes.count - 2)
        for name in bytes.dropFirst(2) { w.bytes(name) }
        w.int(overflowed)
    }

    /// Reads what `snapshot(into:)` wrote without changing the table; `apply` interns it.
    /// Checked here so a restore fails before it changes anything.
    public func readSnapshot(_ r: inout SnapshotReader) throws -> SymbolSnapshot {
        let n = try r.count()
        guard n + 2 <= limit else { throw r.error("\(n) names exceed the symbol table's limit \(limit)") }
        var names: [[UInt8]] = []
        names.reserveCapacity(n)
        for i in 0..<n {
            let name = try r.bytes()
            guard !name.isEmpty else { throw r.error("name \(i + 2) is empty") }
            if i + 2 < bytes.count, bytes[i + 2] != name {
                throw r.error("name \(i + 2) differs from the one the table already holds")
            }
            names.append(name)
        }
        let overflowed = try r.nonNegative()
        return SymbolSnapshot(names: names, overflowed: overflowed)
    }

    /// Interns the snapshot's names in order, so every symbol id in the snapshot means the same name again.
    public func apply(_ snapshot: SymbolSnapshot) throws {
        for (i, name) in snapshot.names.enumerated() where i + 2 >= bytes.count {
            let symbol = name.withUnsafeBufferPointer { intern($0) }
            guard symbol.raw == UInt32(i + 2) else {
                throw SnapshotError(section: "symbols", offset: 0, "name \(i + 2) is a duplicate or did not fit")
            }
        }
        overflowed = snapshot.overflowed
    }
}

/// A symbol table's contents read from a snapshot, not yet interned.
public struct SymbolSnapshot {
    let names: [[UInt8]]
    let overflowed: Int

    /// Ids the snapshot's state may use: its names plus the two fixed ones.
    public var count: Int { names.count + 2 }
}
