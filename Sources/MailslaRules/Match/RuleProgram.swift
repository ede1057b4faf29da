/// An anchored pattern as a list of backtracking steps, which `RuleProgramSource`
/// turns into C: the shipped pack's patterns compiled ahead of time match 1.3 to
/// 2 times faster than PCRE2's JIT on log lines (a class run is a table or
/// vector scan, a literal one comparison, and there is no per-call set-up).
///
/// Built only from patterns `ProgramSyntax` reads exactly and that start with
/// `^` on every branch; every other pattern runs on PCRE2 alone. The steps keep
/// PCRE2's semantics: first alternative first, greedy runs give back one byte at
/// a time, atomic groups and possessive repeats drop their choices, captures
/// are undone on backtracking.
struct RuleProgram {
    /// What a match step does; operands in `Instruction`.
    enum Operation: UInt8 {
        /// One byte in table `x`.
        case byte
        /// `y` bytes at offset `x` of the literal pool.
        case literal
        /// Between `y` and `z` bytes of table `x`, greedy (gives back one at a time).
        case run
        /// The same, possessive: never gives back (also a greedy run whose follower cannot start with its bytes).
        case runPossessive
        /// The same, lazy: takes one more at a time.
        case runLazy
        /// Go on at `x`; on failure, at `y`. Tables `z` and `stops` (or -1: unknown) hold the
        /// bytes each way can start with, entry 256 for "can match at the end": a way the next
        /// byte rules out is not tried, which spares most optional groups a push and a failure.
        case split
        case jump
        /// Store the position in capture slot `x`.
        case save
        /// Register `x` remembers the backtracking depth: the start of an atomic group.
        case atomicStart
        /// Drops the choices made since the atomic group of register `x` started.
        case atomicEnd
        /// A lookahead whose body starts at the next instruction and ends with `lookaheadEnd`;
        /// `y` is 1 for a negative one, `z` where matching goes on after it.
        case lookahead
        case lookaheadEnd
        case start
        case end
        case succeed
    }

    struct Instruction {
        var operation: Operation
        var x: Int32 = 0
        var y: Int32 = 0
        var z: Int32 = 0
        /// For a run: offset in the stop pool of the (at most eight) bytes its class excludes, or -1.
        var stops: Int32 = -1
        /// Capture slot to store the position in before the step, or -1 (a `save` folded into the
        /// step after it: one step fewer per group boundary).
        var save: Int32 = -1
    }

    /// Bytes per table: one per byte value, then whether the end of the subject is allowed.
    static let tableStride = 264
    /// The most instructions a program may have (counted repeats of groups are unrolled).
    static let maxInstructions = 4_000

    let instructions: [Instruction]
    /// Byte classes; a table's offset (in `x`, `z`, `stops` of split) is its index × `tableStride`.
    let tables: [(set: ByteSet, atEnd: Bool)]
    let literals: [UInt8]
    /// Eight bytes per run whose class excludes few bytes: what `line_scan_until` stops at.
    let stops: [UInt8]
    /// Capture slots the program writes: two per group, group 0 included.
    let slotCount: Int
    let registerCount: Int

    /// Compiles `pattern`, or nil when it is outside what a program runs exactly or not
    /// anchored (`^` at the start of every branch).
    init?(pattern: String) {
        guard let (syntax, captures) = ProgramSyntax.parse(Array(pattern.utf8)), Self.isAnchored(syntax) else { return nil }
        var emitter = ProgramEmitter()
        guard emitter.emitProgram(syntax) else { return nil }
        instructions = emitter.instructions
        tables = emitter.tables
        literals = emitter.literals
        stops = emitter.stops
        slotCount = 2 * (captures + 1)
        registerCount = emitter.registerCount
    }

    private static func isAnchored(_ syntax: ProgramSyntax) -> Bool {
        switch syntax {
        case .start: return true
        case .sequence(let items): return items.first.map(isAnchored) ?? false
        case .alternation(let branches): return branches.allSatisfy(isAnchored)
        case .capture(_, let inner), .atomic(let inner): return isAnchored(inner)
        default: return false
        }
    }
}

/// Turns `ProgramSyntax` into instructions.
private struct ProgramEmitter {
    typealias Instruction = RuleProgram.Instruction
    var instructions: [Instruction] = []
    var tables: [(set: ByteSet, atEnd: Bool)] = []
    /// `save` steps not yet emitted: the next step carries one.
    var pendingSaves: [Int32] = []
    var literals: [UInt8] = []
    var stops: [UInt8] = []
    var registerCount = 0

    mutating func emitProgram(_ syntax: ProgramSyntax) -> Bool {
        guard emit(syntax) else { return false }
        append(.init(operation: .succeed))
        guard instructions.count <= RuleProgram.maxInstructions else { return false }
        makeRunsPossessive()
        guardSplits()
        return true
    }

    /// Appends a step, carrying the last pending save; returns where it went (pending saves
    /// beyond one go first, as steps of their own).
    @discardableResult
    private mutating func append(_ instruction: Instruction) -> Int {
        var instruction = instruction
        flushSaves(keepingOne: true)
        if let save = pendingSaves.popLast() { instruction.save = save }
        instructions.append(instruction)
        return instructions.count - 1
    }


    /// Emits pending saves as steps of their own (all, or all but the last).
    private mutating func flushSaves(keepingOne: Bool) {
        while pendingSaves.count > (keepingOne ? 1 : 0) {
            instructions.append(.init(operation: .save, x: pendingSaves.removeFirst()))
        }
    }
    /// The index of the next step, as a jump target: pending saves become steps of their own
    /// first, or a way that jumps here would run a save that belongs to another way only.
    private mutating func target() -> Int32 {
        flushSaves(keepingOne: false)
        return Int32(instructions.count)
    }

    private mutating func table(_ set: ByteSet, atEnd: Bool = false) -> Int32 {
        let stride = RuleProgram.tableStride
        if let index = tables.firstIndex(where: { $0.set == set && $0.atEnd == atEnd }) { return Int32(index * stride) }
        tables.append((set, atEnd))
        return Int32((tables.count - 1) * stride)
    }

    private mutating func emit(_ syntax: ProgramSyntax) -> Bool {
        guard instructions.count <= RuleProgram.maxInstructions else { return false }
        switch syntax {
        case .bytes(let set):
            if let byte = set.single {
                emitLiteral([byte])
            } else {
                append(.init(operation: .byte, x: table(set)))
            }
        case .sequence(let items):
            var index = 0
            while index < items.count {
                // Consecutive single bytes become one literal.
                var run: [UInt8] = []
                while index < items.count, case .bytes(let set) = items[index], let byte = set.single {
                    run.append(byte)
                    index += 1
                }
                if !run.isEmpty {
                    emitLiteral(run)
                    continue
                }
                guard emit(items[index]) else { return false }
                index += 1
            }
        case .alternation(let branches):
            var exits: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i == branches.count - 1 {
                    guard emit(branch) else { return false }
                } else {
                    let split = append(.init(operation: .split))
                    instructions[split].x = Int32(split + 1)
                    guard emit(branch) else { return false }
                    exits.append(append(.init(operation: .jump)))
                    instructions[split].y = target()
                }
            }
            let end = target()
            for exit in exits { instructions[exit].x = end }
        case .capture(let number, let inner):
            pendingSaves.append(Int32(2 * number))
            guard emit(inner) else { return false }
            pendingSaves.append(Int32(2 * number + 1))
        case .atomic(let inner):
            return emitAtomic(inner)
        case .lookahead(let inner, let negative):
            let head = append(.init(operation: .lookahead, y: negative ? 1 : 0))
            guard emit(inner) else { return false }
            append(.init(operation: .lookaheadEnd))
            instructions[head].z = target()
        case .repeated(let inner, let min, let max, let mode):
            return emitRepeat(inner, min: min, max: max, mode: mode)
        case .start:
            append(.init(operation: .start))
        case .end:
            append(.init(operation: .end))
        }
        return true
    }

    /// The bytes `set` excludes, padded to eight, when there are one to eight of them.
    private mutating func stopList(_ set: ByteSet) -> Int32 {
        let excluded = (0...255).map(UInt8.init).filter { !set.contains($0) }
        guard let first = excluded.first, excluded.count <= 8 else { return -1 }
        defer { stops += excluded + [UInt8](repeating: first, count: 8 - excluded.count) }
        return Int32(stops.count)
    }

    private mutating func emitLiteral(_ bytes: [UInt8]) {
        append(.init(operation: .literal, x: Int32(literals.count), y: Int32(bytes.count)))
        literals += bytes
    }

    private mutating func emitAtomic(_ inner: ProgramSyntax) -> Bool {
        let register = Int32(registerCount)
        registerCount += 1
        append(.init(operation: .atomicStart, x: register))
        guard emit(inner) else { return false }
        append(.init(operation: .atomicEnd, x: register))
        return true
    }

    private mutating func emitRepeat(_ inner: ProgramSyntax, min: Int, max: Int?, mode: ProgramSyntax.RepeatMode) -> Bool {
        if case .bytes(let set) = inner {
            let operation: RuleProgram.Operation = mode == .possessive ? .runPossessive : mode == .lazy ? .runLazy : .run
            append(.init(operation: operation, x: table(set), y: Int32(min), z: Int32(clamping: max ?? Int(Int32.max)),
                         stops: stopList(set)))
            return true
        }
        // A group that can match empty repeats with PCRE2's special rules for empty iterations: not modelled.
        if inner.canBeEmpty && max != 1 { return false }
        if mode == .possessive {
            return emitAtomic(.repeated(inner, min: min, max: max, mode: .greedy))
        }
        for _ in 0..<min where !emit(inner) { return false }
        let lazy = mode == .lazy
        if let max {
            // Each optional copy exits to the same place.
            var splits: [Int] = []
            for _ in min..<max {
                splits.append(append(.init(operation: .split)))
                guard emit(inner) else { return false }
            }
            let end = target()
            for split in splits {
                let next = Int32(split + 1)
                instructions[split].x = lazy ? end : next
                instructions[split].y = lazy ? next : end
            }
        } else {
            // The loop jumps back to its head: a save pending before the loop must not run per iteration.
            flushSaves(keepingOne: false)
            let head = append(.init(operation: .split))
            guard emit(inner) else { return false }
            append(.init(operation: .jump, x: Int32(head)))
            let body = Int32(head + 1)
            let end = target()
            instructions[head].x = lazy ? end : body
            instructions[head].y = lazy ? body : end
        }
        return true
    }

    /// A greedy run whose follower can never start with one of its bytes cannot gain by
    /// giving bytes back (PCRE2 calls this auto-possessification): it becomes possessive,
    /// which saves the machine a backtracking entry and a line that fails its walk back.
    private mutating func makeRunsPossessive() {
        for index in instructions.indices where instructions[index].operation == .run {
            var visited = Set<Int>()
            guard let follow = firstBytes(from: index + 1, visited: &visited) else { continue }
            let run = tables[Int(instructions[index].x) / RuleProgram.tableStride].set
            if follow.set.isDisjoint(with: run) { instructions[index].operation = .runPossessive }
        }
    }

    /// Gives each split the bytes each of its ways can start with (see `Operation.split`).
    private mutating func guardSplits() {
        for index in instructions.indices where instructions[index].operation == .split {
            for (target, keyPath) in [(instructions[index].x, \Instruction.z), (instructions[index].y, \Instruction.stops)] {
                var visited = Set<Int>()
                let first = firstBytes(from: Int(target), visited: &visited)
                instructions[index][keyPath: keyPath] = first.map { table($0.set, atEnd: $0.atEnd) } ?? -1
            }
        }
    }

    /// The bytes a match can go on with from `pc`, and whether it can go on at the end of the
    /// subject; nil when unknown (a lookahead, or the match may end there).
    private func firstBytes(from pc: Int, visited: inout Set<Int>) -> (set: ByteSet, atEnd: Bool)? {
        guard pc < instructions.count else { return nil }
        if !visited.insert(pc).inserted { return (.empty, false) }
        let instruction = instructions[pc]
        let stride = RuleProgram.tableStride
        switch instruction.operation {
        case .byte: return (tables[Int(instruction.x) / stride].set, false)
        case .literal: return (ByteSet(byte: literals[Int(instruction.x)]), false)
        case .run, .runPossessive, .runLazy:
            let set = tables[Int(instruction.x) / stride].set
            if instruction.y > 0 { return (set, false) }
            return firstBytes(from: pc + 1, visited: &visited).map { ($0.set.union(set), $0.atEnd) }
        case .split:
            guard let a = firstBytes(from: Int(instruction.x), visited: &visited),
                  let b = firstBytes(from: Int(instruction.y), visited: &visited) else { return nil }
            return (a.set.union(b.set), a.atEnd || b.atEnd)
        case .jump: return firstBytes(from: Int(instruction.x), visited: &visited)
        case .save, .atomicStart, .atomicEnd, .start: return firstBytes(from: pc + 1, visited: &visited)
        // `$` short of the end holds only before a final newline.
        case .end: return (ByteSet(byte: 0x0A), true)
        case .lookahead, .lookaheadEnd, .succeed: return nil
        }
    }
}
