import Testing
import MailslaCore
import MailslaJournal

/// A record with its names resolved and its message copied out, so tests compare plain values.
struct Row: Equatable, CustomStringConvertible {
    var time: Int64
    var host: String
    var program: String
    var pid: Int32
    var message: [UInt8]

    var description: String {
        "Row(\(time), \(host), \(program), \(pid), \(String(decoding: message, as: UTF8.self).debugDescription))"
    }
}

extension JournalReader {
    /// Reads to the end in batches of `limit` and resolves every record against `symbols`.
    func readAll(symbols: SymbolTable, limit: Int = 4096) throws -> [Row] {
        var rows: [Row] = []
        while true {
            var batch = RecordBatch()
            let n = try read(into: &batch, limit: limit)
            if n == 0 { return rows }
            #expect(n == batch.records.count)
            for record in batch.records {
                rows.append(Row(time: record.time, host: symbols.name(record.host),
                                program: symbols.name(record.program), pid: record.pid,
                                message: batch.withMessage(record) { Array($0) }))
            }
        }
    }
}

/// Opens `location` with a fresh symbol table and reads it all.
func readJournal(_ location: JournalReader.Location, matches: [String] = []) throws -> [Row] {
    let symbols = SymbolTable()
    return try JournalReader(location, matches: matches, symbols: symbols).readAll(symbols: symbols)
}

/// The messages of `rows` as text, for order checks.
func messages(_ rows: [Row]) -> [String] { rows.map { String(decoding: $0.message, as: UTF8.self) } }
