import Foundation
import MailslaCore

/// What the rule pack covered in a run: records per program, matched and
/// unmatched; hits per rule; the rules nothing hit; the most frequent
/// shapes of unmatched messages. Built from the classifier's counters after
/// a replay; backs `mailsla rules coverage` (text and `--json`).
public struct CoverageReport: Sendable, Codable {
    public struct Program: Sendable, Codable, Equatable {
        public var name: String
        public var lines: Int
        public var matched: Int
        public var unmatched: Int
        /// Rules this program's lines are tried against (0: no rule file names it).
        public var rules: Int
    }

    public struct Rule: Sendable, Codable, Equatable {
        public var id: String
        public var event: String
        public var file: String
        public var line: Int
        public var hits: Int
        public var tries: Int
        /// Matches cut off by the PCRE2 match or depth limit (counted as no match).
        public var limitHits: Int
    }

    public struct Shape: Sendable, Codable, Equatable {
        public var program: String
        public var shape: String
        public var count: Int
        /// The first message that had this shape.
        public var example: String
    }

    /// How complete the shape table is.
    public struct ShapeTable: Sendable, Codable, Equatable {
        public var kept: Int
        public var limit: Int
        /// Unmatched lines whose shape was dropped when the table was full.
        public var untrackedLines: Int
        public var droppedShapes: Int
    }

    /// What was read, when the caller knows (a replay does).
    public struct Input: Sendable, Codable, Equatable {
        public var sources: [String]
        public var lines: Int
        public var malformed: Int

        public init(sources: [String], lines: Int, malformed: Int) {
            self.sources = sources
            self.lines = lines
            self.malformed = malformed
        }
    }

    public var input: Input?
    /// Records classified (parsed lines and journal entries).
    public var records: Int
    public var matched: Int
    public var unmatched: Int
    /// Programs, most lines first.
    public var programs: [Program]
    /// Every rule in pack order.
    public var rules: [Rule]
    /// Ids of the rules with no hit, in pack order.
    public var neverHit: [String]
    /// The most frequent unmatched shapes, most frequent first.
    public var shapes: [Shape]
    public var shapeTable: ShapeTable?

    public init(rules set: RuleSet, counters: ClassifierCounters, symbols: SymbolTable, topShapes: Int = 30,
                input: Input? = nil) {
        self.input = input
        matched = counters.classified
        unmatched = counters.unmatched
        records = matched + unmatched
        var programSymbols = Set(counters.classifiedByProgram.keys)
        programSymbols.formUnion(counters.unmatchedByProgram.keys)
        programs = programSymbols.map { symbol in
            let name = symbol == .none ? "(none)" : symbols.name(symbol)
            let hit = counters.classifiedByProgram[symbol] ?? 0
            let missed = counters.unmatchedByProgram[symbol] ?? 0
            return Program(name: name, lines: hit + missed, matched: hit, unmatched: missed,
                           rules: symbol == .none ? 0 : set.ruleIndices(forProgram: name).count)
        }.sorted { ($0.lines, $1.name) > ($1.lines, $0.name) }
        rules = set.rules.enumerated().map { index, rule in
            Rule(id: rule.id, event: set.kinds[Int(rule.kind)], file: (rule.spec.file as NSString).lastPathComponent,
                 line: rule.spec.line, hits: counters.hits[index], tries: counters.tries[index],
                 limitHits: counters.limitHits[index])
        }
        neverHit = rules.filter { $0.hits == 0 }.map(\.id)
        if let table = counters.unmatchedShapes {
            shapes = table.top(topShapes).map { entry in
                Shape(program: entry.program == .none ? "(none)" : symbols.name(entry.program),
                      shape: String(decoding: entry.shape, as: UTF8.self), count: entry.count,
                      example: String(decoding: entry.example, as: UTF8.self))
            }.sorted { ($0.count, $1.program, $1.shape) > ($1.count, $0.program, $0.shape) }
            shapeTable = ShapeTable(kept: table.count, limit: table.limit, untrackedLines: table.untrackedLines,
                                    droppedShapes: table.droppedShapes)
        } else {
            shapes = []
            shapeTable = nil
        }
    }

    /// The report as one JSON document (keys sorted, snake_case).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain value types with string keys cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The report for a terminal; `examples` adds the first message of each shape.
    public func text(examples: Bool = false) -> String {
        var out = ""
        if let input {
            out += "input: \(input.lines) lines from \(input.sources.count) source(s), \(input.malformed) malformed\n"
        }
        out += "coverage: \(records) records, \(matched) matched (\(Self.percent(matched, of: records))), \(unmatched) unmatched\n\n"

        let nameWidth = max(7, programs.map(\.name.count).max() ?? 0)
        out += Self.pad("program", nameWidth) + "     lines   matched unmatched  matched%  rules\n"
        for p in programs {
            out += Self.pad(p.name, nameWidth) + Self.right(p.lines, 10) + Self.right(p.matched, 10)
                + Self.right(p.unmatched, 10) + Self.right(Self.percent(p.matched, of: p.lines), 10) + Self.right(p.rules, 7) + "\n"
        }

        let hit = rules.filter { $0.hits > 0 }.sorted { ($0.hits, $1.id) > ($1.hits, $0.id) }
        out += "\nrules: \(rules.count), hit \(hit.count), never hit \(neverHit.count)\n"
        if !hit.isEmpty {
            out += "      hits     tries  limit  rule\n"
            for r in hit {
                out += Self.right(r.hits, 10) + Self.right(r.tries, 10) + Self.right(r.limitHits, 7) + "  \(r.id)\n"
            }
        }
        if !neverHit.isEmpty {
            out += "\nnever hit:\n"
            for r in rules where r.hits == 0 {
                out += "  \(r.id)  (\(r.file):\(r.line), tried \(r.tries) times\(r.limitHits > 0 ? ", \(r.limitHits) limit hits" : ""))\n"
            }
        }
        if let table = shapeTable {
            out += "\ntop unmatched shapes (\(shapes.count) of \(table.kept) kept"
            if table.untrackedLines > 0 {
                out += "; table full: \(table.droppedShapes) rare shapes with \(table.untrackedLines) lines dropped"
            }
            out += "):\n"
            let programWidth = max(7, shapes.map(\.program.count).max() ?? 0)
            out += "     count  " + Self.pad("program", programWidth) + "  shape\n"
            for s in shapes {
                out += Self.right(s.count, 10) + "  " + Self.pad(s.program, programWidth) + "  \(s.shape)\n"
                if examples { out += String(repeating: " ", count: 14 + programWidth) + "e.g. \(s.example)\n" }
            }
        }
        return out
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f %%", Double(part) * 100 / Double(whole))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func right(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
