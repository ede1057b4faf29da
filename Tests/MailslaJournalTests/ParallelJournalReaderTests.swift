import Foundation
import MailslaCore
@testable import MailslaJournal
import Testing

/// Several lanes must give exactly what one reader gives: the same records (time, host,
/// program, pid, message), in the same order, with the same symbol ids and counters.
@Suite struct ParallelJournalReaderTests {
    static let t0: UInt64 = 1_700_000_000_000_000

    /// What a source gave: records with names resolved, the raw symbol ids, the counters.
    struct Read: Equatable {
        var rows: [Row] = []
        var symbols: [UInt32] = []
        var withoutMessage = 0
        var cut = 0
        var names: [String] = []
        /// Records per batch: the pipeline's flow results depend on where batches end.
        var batches: [Int] = []
    }

    /// Entries that exercise every field rule: no MESSAGE, _COMM instead of SYSLOG_IDENTIFIER,
    /// SYSLOG_PID instead of _PID, no host, empty values, long messages; 40 hosts and 7 programs.
    static func entries(count: Int, start: UInt64 = t0, step: UInt64 = 3, tag: String = "") -> [ExportEntry] {
        let programs = ["postfix/smtpd", "postfix/qmgr", "postfix/smtp", "postfix/cleanup", "dovecot", "sshd", "amavis"]
        return (0..<count).map { i in
            var entry = ExportEntry.syslog(time: start + UInt64(i) * step, host: "mx\(i % 40)",
                                           identifier: programs[i % programs.count], pid: "\(1000 + i % 977)",
                                           message: "\(tag)m\(i) " + String(repeating: "x", count: i % 300))
            if i % 97 == 5 { entry.remove("MESSAGE") }
            if i % 31 == 7 {
                entry.remove("SYSLOG_IDENTIFIER")
                entry.add("_COMM", "comm\(i % 3)")
            }
            if i % 13 == 2 {
                entry.remove("_PID")
                entry.add("SYSLOG_PID", "\(i)")
            }
            if i % 53 == 9 { entry.remove("_HOSTNAME") }
            if i % 59 == 11 {
                entry.remove("SYSLOG_IDENTIFIER")
                entry.add("SYSLOG_IDENTIFIER", "")
            }
            if i % 500 == 123 {
                entry.remove("MESSAGE")
                entry.add("MESSAGE", String(repeating: "long\(i) ", count: 400))
            }
            return entry
        }
    }

    static func readAll(_ source: JournalBatchSource, symbols: SymbolTable, limit: Int = JournalReader.batchLimit) throws -> Read {
        var read = Read()
        while true {
            var batch = RecordBatch()
            let n = try source.readBatch(into: &batch, limit: limit)
            if n == 0 { break }
            #expect(n == batch.records.count)
            read.batches.append(n)
            for record in batch.records {
                read.rows.append(Row(time: record.time, host: symbols.name(record.host),
                                     program: symbols.name(record.program), pid: record.pid,
                                     message: batch.withMessage(record) { Array($0) }))
                read.symbols += [record.host.raw, record.program.raw]
            }
        }
        read.withoutMessage = source.entriesWithoutMessage
        read.cut = source.messagesCut
        read.names = (0..<symbols.count).map { symbols.name(Symbol(raw: UInt32($0))) }
        return read
    }

    static func one(_ location: JournalReader.Location, matches: [String] = [], maxMessageBytes: Int = 1000,
                    limit: Int = JournalReader.batchLimit) throws -> Read {
        let symbols = SymbolTable()
        return try readAll(JournalReader(location, matches: matches, symbols: symbols, maxMessageBytes: maxMessageBytes),
                           symbols: symbols, limit: limit)
    }

    static func lanes(_ count: Int, _ location: JournalReader.Location, matches: [String] = [],
                      maxMessageBytes: Int = 1000, limit: Int = JournalReader.batchLimit) throws -> Read {
        let symbols = SymbolTable()
        let reader = try ParallelJournalReader(location, matches: matches, symbols: symbols,
                                               maxMessageBytes: maxMessageBytes, lanes: count)
        let read = try readAll(reader, symbols: symbols, limit: limit)
        #expect(reader.entriesRead == read.rows.count + read.withoutMessage)
        return read
    }

    /// One file of 9,001 entries: two whole runs and a short one, an odd count.
    @Test(arguments: [2, 3, 4])
    func oneFileGivesOneReadersRecords(lanes count: Int) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(count: 9001))
        let base = try Self.one(.files([file]))
        #expect(base.rows.count == 9001 - 93)
        #expect(base.withoutMessage == 93)
        #expect(base.cut == 18)
        #expect(base.rows.contains { $0.program == "comm1" } && base.rows.contains { $0.host == "" })
        #expect(base.batches == [4096, 4096, 9001 - 93 - 8192])
        let read = try Self.lanes(count, .files([file]))
        #expect(read.rows.count == base.rows.count)
        #expect(read == base)
        // Batches end where one reader's end, whatever the limit against the lanes' runs.
        for limit in [1, 7, 1000, 5000] {
            #expect(try Self.lanes(count, .files([file]), limit: limit) == Self.one(.files([file]), limit: limit))
        }
        if let i = read.rows.indices.first(where: { $0 < base.rows.count && read.rows[$0] != base.rows[$0] }) {
            Issue.record("first difference at record \(i): \(read.rows[i]) against \(base.rows[i])")
        }
    }

    /// A directory of three files written by three journal-remote runs with interleaved times,
    /// libsystemd merging them; with and without matches.
    @Test(arguments: [
        [],
        ["SYSLOG_IDENTIFIER=postfix/smtpd", "SYSLOG_IDENTIFIER=postfix/qmgr"],
        ["SYSLOG_IDENTIFIER=postfix/smtpd", "_HOSTNAME=mx2", "SYSLOG_IDENTIFIER=sshd"],
        ["_HOSTNAME=nowhere"],
    ] as [[String]])
    func directoryWithMatchesGivesOneReadersRecords(matches: [String]) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        for k in 0..<3 {
            try fixture.write(Self.entries(count: 3000 + k * 700, start: Self.t0 + UInt64(k), tag: "f\(k)-"),
                              name: "part\(k).journal")
        }
        let base = try Self.one(.directory(fixture.directory), matches: matches)
        if matches.isEmpty {
            #expect(base.rows.count + base.withoutMessage == 3000 + 3700 + 4400)
            // libsystemd interleaves the three files by time.
            #expect(base.rows.prefix(3).map { String(decoding: $0.message.prefix(5), as: UTF8.self) } == ["f0-m0", "f1-m0", "f2-m0"])
        }
        if matches == ["_HOSTNAME=nowhere"] { #expect(base.rows.isEmpty) } else { #expect(!base.rows.isEmpty) }
        #expect(try Self.lanes(2, .directory(fixture.directory), matches: matches) == base)
        #expect(try Self.lanes(3, .directory(fixture.directory), matches: matches) == base)
    }

    @Test func badMatchThrowsAsOneReaderDoes() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries(count: 10))
        let error = #expect(throws: InputError.self) {
            try ParallelJournalReader(.files([file]), matches: ["=x"], symbols: SymbolTable())
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.reason.contains("bad match '=x'") == true)
    }

    // The merger's check, on runs made by hand: lanes that disagree must never be merged.

    static func run(_ times: [Int64], atEnd: Bool = false) -> LaneChunk {
        var chunk = LaneChunk()
        chunk.times = times
        chunk.atEnd = atEnd
        return chunk
    }

    @Test func lanesThatSawDifferentEntriesAreRefused() {
        let whole = (0..<Int64(ParallelJournalReader.runLength)).map { 1000 + $0 }
        var other = whole
        other[77] += 1
        let error = #expect(throws: InputError.self) {
            try ParallelJournalReader.agreedEntries([Self.run(whole), Self.run(other)], before: 8192, location: .files(["j"]))
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.path == "j")
        #expect(error?.reason.contains("at entry \(8192 + 78) ") == true, "\(String(describing: error))")
    }

    @Test func aJournalThatGrewEndsWhereTheFirstLaneEnded() throws {
        let whole = (0..<Int64(ParallelJournalReader.runLength)).map { 1000 + $0 }
        let short = Array(whole.prefix(100))
        #expect(try ParallelJournalReader.agreedEntries([Self.run(short, atEnd: true), Self.run(whole)],
                                                        before: 0, location: .files(["j"])) == 100)
        #expect(try ParallelJournalReader.agreedEntries([Self.run(whole), Self.run(short, atEnd: true)],
                                                        before: 0, location: .files(["j"])) == 100)
        #expect(try ParallelJournalReader.agreedEntries([Self.run(whole), Self.run(whole)],
                                                        before: 0, location: .files(["j"])) == whole.count)
    }

    @Test func aLaneFailureIsThrown() {
        var failed = Self.run([1, 2])
        failed.failure = InputError(.journalRejected, path: "j", reason: "cannot read the next entry: Bad message")
        let error = #expect(throws: InputError.self) {
            try ParallelJournalReader.agreedEntries([Self.run([1, 2, 3]), failed], before: 0, location: .files(["j"]))
        }
        #expect(error?.reason == "cannot read the next entry: Bad message")
    }
}
