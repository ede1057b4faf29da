/// Reads probe results (JSON lines or CSV) from bytes the caller has read.
///
/// Bad input is data: a malformed line is counted with its reason and line
/// number and skipped, never thrown. Duplicates (same service and time) keep
/// the first line; lines earlier than one before them are sorted into place.
/// Both are counted per service, never merged silently. Call `read` once per
/// source, in the order the sources should be taken, then `finish`.
///
/// Cost: one pass over the bytes; a JSON line is read by `FlatJSONObject`, or by
/// `JSONSerialization` when it is not a flat object of plain values.
public struct ProbeReader: Sendable {
    /// How many notices are kept with their line numbers; all are counted.
    public static let noticeLimit = 100

    /// Each service's series, found through `seriesIndex` (one lookup per line; the series is
    /// changed in place).
    private var pending: [PendingSeries] = []
    private var seriesIndex: [String: Int] = [:]
    private var counts = ProbeCounts()
    private var notices: [ProbeNotice] = []

    public init() {}

    /// Parses every line of one source. `source` names it in notices.
    public mutating func read(_ bytes: some Collection<UInt8>, source: String = "-", format: ProbeFormat = .auto) {
        let bytes = Array(bytes)
        var format = format
        var csv = CSVState.awaitingHeader
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lineNumber = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var end = newline
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            lineNumber += 1
            let line = bytes[start..<end]
            start = newline + 1
            guard let first = line.first(where: { !isBlank($0) }) else {
                counts.blankLines += 1
                continue
            }
            counts.lines += 1
            if format == .auto { format = first == UInt8(ascii: "{") ? .jsonLines : .csv }
            let outcome: Result<(String, ProbeTest), ProbeLineProblem>
            if format == .jsonLines {
                outcome = JSONProbeLine.parse(line)
            } else {
                switch csv {
                case .awaitingHeader:
                    if let columns = CSVColumns(header: line) {
                        csv = .columns(columns)
                        counts.headers += 1
                        continue
                    }
                    csv = .missing
                    outcome = .failure(.missingHeader)
                case .missing:
                    outcome = .failure(.missingHeader)
                case .columns(let columns):
                    outcome = columns.parse(line)
                }
            }
            switch outcome {
            case .success(let (service, test)): accept(service: service, test: test, source: source, line: lineNumber)
            case .failure(let problem):
                counts.malformed[problem, default: 0] += 1
                note(ProbeNotice(source: source, line: lineNumber, kind: .malformed(problem)))
            }
        }
    }

    /// The series sorted by time, with all counts.
    public func finish() -> ProbeData {
        var series: [String: ProbeSeries] = [:]
        for (name, index) in seriesIndex {
            let p = pending[index]
            series[name] = ProbeSeries(service: name, tests: p.tests.sorted { $0.time < $1.time },
                                       duplicates: p.duplicates, conflictingDuplicates: p.conflicting,
                                       outOfOrder: p.outOfOrder)
        }
        return ProbeData(series: series, counts: counts, notices: notices)
    }

    private mutating func accept(service: String, test: ProbeTest, source: String, line: Int) {
        let index = seriesIndex[service] ?? {
            pending.append(PendingSeries())
            seriesIndex[service] = pending.count - 1
            return pending.count - 1
        }()
        // Moved out and back, not copied: the series' arrays stay uniquely referenced.
        var p = PendingSeries()
        swap(&p, &pending[index])
        defer { swap(&p, &pending[index]) }
        if let firstOK = p.results[test.time] {
            let conflicting = firstOK != test.ok
            p.duplicates += 1
            counts.duplicates += 1
            if conflicting {
                p.conflicting += 1
                counts.conflictingDuplicates += 1
            }
            note(ProbeNotice(source: source, line: line, kind: .duplicate(service: service, conflicting: conflicting)))
            return
        }
        if let latest = p.latest, test.time < latest {
            p.outOfOrder += 1
            counts.outOfOrder += 1
            note(ProbeNotice(source: source, line: line, kind: .outOfOrder(service: service)))
        }
        p.results[test.time] = test.ok
        p.tests.append(test)
        p.latest = max(p.latest ?? test.time, test.time)
        counts.accepted += 1
    }

    private mutating func note(_ notice: ProbeNotice) {
        if notices.count < Self.noticeLimit { notices.append(notice) }
    }

    private struct PendingSeries: Sendable {
        var tests: [ProbeTest] = []
        var results: [Int64: Bool] = [:]
        var latest: Int64?
        var duplicates = 0
        var conflicting = 0
        var outOfOrder = 0
    }

    private enum CSVState {
        case awaitingHeader
        case missing
        case columns(CSVColumns)
    }
}

@inline(__always)
func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
