import Foundation
import MailslaCore

/// The cost of one hostile line through the whole pack, as replay pays it:
/// syslog header, program dispatch, required-literal prefilter, then every
/// candidate rule in order until one matches. `PathologicalCheck` times each
/// rule alone; this adds them up per line, because a line that misses costs
/// the sum of every rule of its program.
///
/// The lines: for every program the pack's examples name, 64 KiB (replay's
/// longest line) of one byte repeated (letters, blanks, every delimiter the
/// patterns look for), nested brackets (`[[[…]]]`, `<<<…>>>`, `(((…)))`,
/// `<[(…)]>`), repeated address and key=value tails, random bytes, and each
/// of the program's rule examples padded to the length with blanks or
/// delimiters, or with an address, HELO or reply text inside it grown to the
/// length. Target: under 1 ms each (release build, production limits).
public enum PathologicalLines {
    public struct Line: Sendable, Codable, Equatable {
        public var program: String
        public var shape: String
        /// The fastest of the repeats.
        public var nanoseconds: UInt64
        /// The rule that took it, if any.
        public var rule: String?
        /// PCRE2 limit hits while classifying it (the line may go unclassified).
        public var limitHits: Int
    }

    public struct Result: Sendable, Codable, Equatable {
        public var length: Int
        public var lines: Int
        /// Slowest first, at most `keep`.
        public var slowest: [Line]
        public var overTarget: Int
        public var limitHits: Int
        public var worst: Line? { slowest.first }
    }

    /// Bodies built only from repeated text, each `length` bytes.
    static func shapes(length: Int, seed: UInt64) -> [(String, [UInt8])] {
        func run(_ unit: String) -> [UInt8] {
            let bytes = Array(unit.utf8)
            return (0..<length).map { bytes[$0 % bytes.count] }
        }
        func nested(_ open: String, _ close: String) -> [UInt8] {
            let o = Array(open.utf8), c = Array(close.utf8)
            let half = length / 2 / o.count
            return Array(((0..<half).flatMap { _ in o } + (0..<half).flatMap { _ in c }).prefix(length))
        }
        var out: [(String, [UInt8])] = []
        for c in ["a", "0", " ", "<", ">", "[", "]", "(", ")", "{", ",", ";", ":", "=", ".", "@", "\"", "'", "\\", "/", "-", "_", "\t", "\u{7F}"] {
            out.append(("\(c.debugDescription)×\(length)", run(c)))
        }
        out.append(("[[[…]]]", nested("[", "]")))
        out.append(("<<<…>>>", nested("<", ">")))
        out.append(("(((…)))", nested("(", ")")))
        out.append(("<[(…)]>", nested("<[(", ")]>")))
        out.append(("<a@b>, …", run("<a@b>, ")))
        out.append(("to=<a@b>, …", run("to=<a@b>, ")))
        out.append(("x=1, …", run("x=1, ")))
        out.append(("a]: client=…", run("a]: client=")))
        out.append(("[192.0.2.1]:25 …", run("[192.0.2.1]:25 ")))
        var random = SplitMix64(seed: seed)
        out.append(("random×\(length)", (0..<length).map { _ in
            let b = UInt8(truncatingIfNeeded: random.next())
            return b == 0x0A ? 0x20 : b
        }))
        return out
    }

    /// An example with an attacker's field grown from the inside to `length`
    /// bytes, the rest of the daemon's line intact after it: the first and
    /// the last `<…>` (address, HELO, session) filled with `a`, and the text
    /// before the first `; ` (a reply or reason) filled with `a` or with `x; `.
    static func stretched(_ message: [UInt8], length: Int) -> [(String, [UInt8])] {
        let grow = max(0, length - message.count)
        func insert(_ unit: String, at index: Int) -> [UInt8] {
            let bytes = Array(unit.utf8)
            return Array(message[..<index]) + (0..<grow).map { bytes[$0 % bytes.count] } + Array(message[index...])
        }
        var out: [(String, [UInt8])] = []
        let open = UInt8(ascii: "<")
        if let first = message.firstIndex(of: open) {
            out.append(("<a…>", insert("a", at: first + 1)))
            if let last = message.lastIndex(of: open), last != first { out.append(("…<a…>", insert("a", at: last + 1))) }
        }
        if let semicolon = (0..<max(0, message.count - 1)).first(where: { message[$0] == UInt8(ascii: ";") && message[$0 + 1] == 0x20 }) {
            out.append(("a…; ", insert("a", at: semicolon)))
            out.append(("x; …; ", insert("x; ", at: semicolon)))
        }
        return out
    }

    /// Classifies every line `repeats` times; keeps the `keep` slowest. Cost: about
    /// (programs × 40 + examples × 7) lines of `length` bytes, each `repeats` times.
    public static func run(rules: RuleSet, length: Int = 65536, repeats: Int = 3, keep: Int = 10) -> Result {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        // Each program's header, and the message of each of its rules' first example.
        var headers: [String: [UInt8]] = [:]
        var examples: [String: [(String, [UInt8])]] = [:]
        for rule in rules.rules {
            guard let example = rule.spec.examples.first else { continue }
            let line = Array(example.line.text.utf8)
            line.withUnsafeBufferPointer { all in
                guard case .record(let record) = parser.parse(all) else { return }
                let program = symbols.name(record.program)
                if headers[program] == nil { headers[program] = Array(all[..<Int(record.messageStart)]) }
                examples[program, default: []].append((rule.id, Array(all[Int(record.messageStart)..<Int(record.messageEnd)])))
            }
        }
        let bodies = shapes(length: length, seed: 0x6D61_696C_736C_61)
        var classifier = Classifier(rules: rules, symbols: symbols)
        var events = EventBatch()
        var measured: [Line] = []
        var total = 0
        for program in headers.keys.sorted() {
            let header = headers[program]!
            var lines = bodies.map { (shape: $0.0, body: $0.1) }
            for (id, message) in examples[program] ?? [] {
                for pad in [" ", ",", "a"] {
                    let padding = [UInt8](repeating: pad.utf8.first!, count: length)
                    lines.append(("\(id)+\(pad.debugDescription)", Array((message + padding).prefix(max(length, message.count)))))
                }
                lines += stretched(message, length: length).map { ("\(id) \($0.0)", $0.1) }
            }
            for (shape, body) in lines {
                let bytes = header + body
                guard case .record(let record) = bytes.withUnsafeBufferPointer({ parser.parse($0) }) else { continue }
                let batch = RecordBatch(bytes: bytes, records: [record])
                var best = UInt64.max
                let limitsBefore = classifier.counters.limitHits.reduce(0, +)
                for _ in 0..<max(1, repeats) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    classifier.classify(batch, into: &events)
                    best = min(best, DispatchTime.now().uptimeNanoseconds - start)
                }
                let limits = (classifier.counters.limitHits.reduce(0, +) - limitsBefore) / max(1, repeats)
                measured.append(Line(program: program, shape: shape, nanoseconds: best,
                                     rule: events.events.first.map { rules.rules[Int($0.rule)].id }, limitHits: limits))
                total += 1
            }
        }
        measured.sort { ($0.nanoseconds, $1.program, $1.shape) > ($1.nanoseconds, $0.program, $0.shape) }
        return Result(length: length, lines: total, slowest: Array(measured.prefix(keep)),
                      overTarget: measured.filter { $0.nanoseconds > PathologicalCheck.targetNanoseconds }.count,
                      limitHits: measured.reduce(0) { $0 + $1.limitHits })
    }

    /// The slowest lines and the verdict against the 1 ms target.
    public static func text(_ result: Result) -> String {
        guard let worst = result.worst else { return "\npathological lines through the pack: none built\n" }
        let ms = { (ns: UInt64) in String(format: "%.3f", Double(ns) / 1e6) }
        var out = "\npathological lines through the whole pack (\(result.lines) lines of \(result.length) bytes): "
            + "max \(ms(worst.nanoseconds)) ms (\(worst.program) \(worst.shape)), target 1 ms: "
            + (result.overTarget == 0 ? "met" : "\(result.overTarget) line(s) over") + "; limit hits: \(result.limitHits)\n"
        out += "     time ms  limit  program                  shape\n"
        for line in result.slowest {
            out += CoverageReport.right(ms(line.nanoseconds), 12) + "  " + CoverageReport.right("\(line.limitHits)", 5) + "  "
                + CoverageReport.pad(line.program, 23) + "  \(line.shape)\(line.rule.map { " → \($0)" } ?? "")\n"
        }
        return out
    }
}
