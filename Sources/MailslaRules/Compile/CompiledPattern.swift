import CPCRE2
import CRulePrograms

/// A PCRE2 pattern compiled once (JIT where possible), read-only afterwards
/// and so safe to share between threads. Byte mode: no UTF check on the hot path.
public final class CompiledPattern: @unchecked Sendable {
    let code: OpaquePointer
    public let jit: Bool
    /// Named groups and their numbers.
    public let groups: [(name: String, number: Int)]
    public let captureCount: Int
    /// The pattern text as compiled (fragments expanded).
    public let source: String
    /// The same pattern compiled ahead of time to C, when the shipped pack has it (`RuleProgramSource`).
    let program: rule_program_match?

    public struct Failure: Error {
        public let message: String
        public let offset: Int
    }

    public init(_ pattern: String, options: UInt32 = 0) throws(Failure) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        guard let code = pcre2_compile_8(bytes, bytes.count, options, &errorCode, &errorOffset, nil) else {
            throw Failure(message: Self.message(errorCode), offset: errorOffset)
        }
        self.code = code
        jit = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE) == 0
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var groups: [(String, Int)] = []
        if let table {
            for i in 0..<Int(nameCount) {
                let entry = table + i * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                groups.append((String(cString: entry + 2), number))
            }
        }
        self.groups = groups
        source = pattern
        program = options == 0 ? RuleProgramTable.program(for: pattern) : nil
    }

    deinit { pcre2_code_free_8(code) }

    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// Per-thread matching state: match data, a match context with limits, and
/// a JIT stack. A match that hits a limit is reported, never hangs.
///
/// The limits bound one match whatever the line: `matchLimit` counts
/// backtracking steps (JIT and interpreter alike); `depthLimit` and
/// `heapLimitKiB` bound the interpreter's backtracking frames (used when JIT
/// is unavailable); the JIT stack (at most 512 KiB) bounds JIT recursion.
/// PCRE2's own defaults (10 million steps, 20 GB of heap) would let one
/// hostile line stall a run; at these the worst shipped pattern on a 64 KiB
/// line stops well under a millisecond (`rules bench`).
public final class PatternMatcher {
    let matchData: OpaquePointer
    let context: OpaquePointer
    let jitStack: OpaquePointer?
    /// Whether compiled programs run before PCRE2 (off: PCRE2 alone, to compare the two).
    /// A constant: a variable of a class costs an exclusivity check on every read.
    public let usesPrograms: Bool
    /// The match data's offset vector: fixed for the match data's life, so fetched once.
    let ovector: UnsafeMutablePointer<Int>
    /// What the offset vector holds for a group that took no part in the match.
    static var unset: Int { shim_pcre2_unset() }  // computed: a stored static costs a swift_once per match

    public enum Result { case match, noMatch, limit }

    public init(maxCaptures: Int, matchLimit: UInt32 = 100_000, depthLimit: UInt32 = 1_000, heapLimitKiB: UInt32 = 16_384,
                usesPrograms: Bool = true) {
        self.usesPrograms = usesPrograms
        // Room for the widest compiled program too: a program writes all its offsets, where PCRE2 would stop at the end.
        matchData = pcre2_match_data_create_8(UInt32(max(maxCaptures + 1, RuleProgramTable.maxSlots / 2)), nil)!
        ovector = pcre2_get_ovector_pointer_8(matchData)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        pcre2_set_heap_limit_8(context, heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 512 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    @inline(__always)
    public func match(_ pattern: CompiledPattern, _ subject: UnsafePointer<UInt8>, _ length: Int) -> Result {
        match(code: pattern.code, jit: pattern.jit, program: pattern.program, subject, length)
    }

    /// Matches with a compiled pattern's raw handles (kept alive by its `CompiledPattern`): its
    /// compiled program first when it has one, PCRE2 when it has none or the program cannot tell.
    @inline(__always)
    func match(code: OpaquePointer, jit: Bool, program: rule_program_match?, _ subject: UnsafePointer<UInt8>, _ length: Int) -> Result {
        if let program, usesPrograms {
            let answer = program(subject, length, ovector)
            if answer > 0 { return .match }
            if answer == 0 { return .noMatch }
        }
        let rc = jit
            ? pcre2_jit_match_8(code, subject, length, 0, 0, matchData, context)
            : pcre2_match_8(code, subject, length, 0, 0, matchData, context)
        if rc > 0 { return .match }
        if rc == PCRE2_ERROR_NOMATCH { return .noMatch }
        return .limit
    }

    /// The byte range of group `number` after a match, or nil when it did not take part.
    @inline(__always)
    public func range(_ number: Int) -> (Int, Int)? {
        let start = ovector[2 * number]
        if start == Self.unset { return nil }
        return (start, ovector[2 * number + 1])
    }
}
