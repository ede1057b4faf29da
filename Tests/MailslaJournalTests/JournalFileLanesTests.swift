import Foundation
import MailslaCore
@testable import MailslaJournal
import Testing

/// Per-file lanes (`JournalFileLanes`) give one reader's records, in one reader's batches,
/// on a directory that systemd-journal-remote rotated itself; anything else keeps one reader.
@Suite struct JournalFileLanesTests {
    static let t0: UInt64 = 1_700_000_000_000_000
    static let entryCount = 100_000

    /// One rotated directory for the suite (~3 s to write): journal-remote rotates when its
    /// data hash table fills, so six values unique to each entry make it rotate every ~29 k
    /// entries (4 files). Hosts and programs vary, some entries lack MESSAGE, some messages
    /// are long (cut at 200 bytes below).
    static let rotated: Result<String, FixtureError> = {
        do {
            let fixture = try JournalFixture()
            fixture.removeAtExit()
            var entries: [ExportEntry] = []
            entries.reserveCapacity(entryCount)
            let programs = ["postfix/smtpd", "postfix/qmgr", "dovecot", "postfix/submission/smtpd", "sshd"]
            for i in 0..<entryCount {
                var entry = ExportEntry.syslog(time: t0 + UInt64(i) * 1000, host: "mx\(i % 7 == 0 ? i % 50 : i % 3)",
                                               identifier: programs[i % programs.count], pid: "\(1000 + i)",
                                               message: i % 997 == 0 ? nil : "entry \(i)" + String(repeating: "x", count: i % 1009 == 0 ? 300 : 0))
                for field in ["A_ID", "B_ID", "C_ID", "D_ID"] { entry.add(field, "\(i)") }
                entries.append(entry)
            }
            try fixture.write(entries, name: "rotated.journal")
            return .success(fixture.directory)
        } catch let error as FixtureError {
            return .failure(error)
        } catch {
            return .failure(FixtureError(description: "\(error)"))
        }
    }()

    /// What a replay sees: each batch's records with their names and message bytes.
    struct Seen: Equatable {
        var batches: [[String]] = []
        var entries = 0, withoutMessage = 0, cut = 0
    }

    static func drain(_ source: any JournalBatchSource, _ symbols: SymbolTable, limit: Int = JournalReader.batchLimit) throws -> Seen {
        var seen = Seen()
        var batch = RecordBatch()
        while true {
            batch.bytes.removeAll()
            batch.records.removeAll()
            let n = try source.read(into: &batch, limit: limit)
            if n == 0 { break }
            #expect(n == batch.records.count)
            seen.batches.append(batch.records.map { record in
                "\(record.time) \(record.host.raw):\(symbols.name(record.host)) \(record.program.raw):\(symbols.name(record.program)) "
                    + "\(record.pid) \(batch.message(of: record))"
            })
        }
        seen.entries = source.entriesRead
        seen.withoutMessage = source.entriesWithoutMessage
        seen.cut = source.messagesCut
        return seen
    }

    static func oneReader(_ directory: String, matches: [String] = []) throws -> Seen {
        let symbols = SymbolTable()
        return try drain(JournalReader(.directory(directory), matches: matches, symbols: symbols, maxMessageBytes: 200), symbols)
    }

    @Test func rotatedDirectoryIsReadFileAfterFile() throws {
        let directory = try Self.rotated.get()
        let files = try #require(JournalFileOrder.sequential(directory: directory))
        #expect(files.count >= 3, "journal-remote rotated into \(files.count) files")
        #expect(files.first?.contains("rotated@") == true && files.first?.contains("-0000000000000001-") == true)
        #expect(files.last == directory + "/rotated.journal")   // the active file holds the newest entries
    }

    @Test(arguments: [[], ["_HOSTNAME=mx1"], ["SYSLOG_IDENTIFIER=dovecot", "SYSLOG_IDENTIFIER=sshd", "_HOSTNAME=mx2"]])
    func lanesGiveOneReadersRecordsAndBatches(matches: [String]) throws {
        let directory = try Self.rotated.get()
        let expected = try Self.oneReader(directory, matches: matches)
        let symbols = SymbolTable()
        let lanes = try JournalFileLanes.open(directory: directory, matches: matches, symbols: symbols, maxMessageBytes: 200)
        #expect(lanes is JournalFileLanes)
        let seen = try Self.drain(lanes, symbols)
        #expect(seen.batches.count == expected.batches.count)
        #expect(seen == expected)
        if matches.isEmpty {
            #expect(seen.entries == Self.entryCount)
            #expect(seen.withoutMessage == (Self.entryCount + 996) / 997)
            #expect(seen.cut == (Self.entryCount + 1008) / 1009 - 1)  // entry 0 has no message
        } else {
            #expect(seen.entries > 0 && seen.entries < Self.entryCount)
        }
    }

    /// A private copy of libsystemd is another copy (its own getpid cache) and reads what the
    /// linked one reads. Only sanitizer builds load none, and say so.
    @Test func privateCopyOfLibsystemdReadsWhatTheLinkedOneReads() throws {
        let directory = try Self.rotated.get()
        let files = try #require(JournalFileOrder.sequential(directory: directory))
        switch JournalLibrary.privateCopy(0) {
        case .success(let copy):
            #expect(!copy.isLinked)
            #expect(JournalLibrary.linked.isLinked)
            let again = try JournalLibrary.privateCopy(0).get()
            #expect(again.calls == copy.calls, "a copy is loaded once and kept")
            var seen: [Seen] = []
            for library in [JournalLibrary.linked, copy] {
                let symbols = SymbolTable()
                let reader = try JournalReader(.files([files[1]]), matches: ["_HOSTNAME=mx2"], symbols: symbols,
                                               maxMessageBytes: 200, library: library)
                var one = try Self.drain(reader, symbols)
                #expect(reader.cursor()?.hasPrefix("s=") == true, "a cursor string from the copy's own malloc")
                one.entries = reader.entriesRead
                seen.append(one)
            }
            #expect(seen[0].entries > 1000)
            #expect(seen[0] == seen[1])
            let lanes = JournalFileLanes(files: files, matches: [], symbols: SymbolTable(), maxMessageBytes: 200, lanes: 2)
            #expect(lanes.laneLibraries.map(\.isLinked) == [true, false])
        case .failure(let error):
            #expect(error.reason.contains("sanitizer"), "\(error.reason)")
        }
        if case .failure(let error) = JournalLibrary.privateCopy(8) { #expect(error.reason.contains("at most 8")) }
        else { Issue.record("copy 8 is past the table") }
    }

    /// Small chunks and a two-chunk buffer: lanes wait for the caller most of the time.
    @Test func smallChunksAndBufferGiveTheSameRecords() throws {
        let directory = try Self.rotated.get()
        let expected = try Self.oneReader(directory)
        let files = try #require(JournalFileOrder.sequential(directory: directory))
        for lanes in [2, 3] {
            let symbols = SymbolTable()
            let reader = JournalFileLanes(files: files, matches: [], symbols: symbols, maxMessageBytes: 200,
                                          lanes: lanes, chunkLimit: 1000, bufferedChunks: 2)
            #expect(try Self.drain(reader, symbols) == expected, "\(lanes) lanes")
        }
    }

    /// Dropping the lanes before the end stops their threads (deinit waits for them).
    @Test func stoppingEarlyEndsTheLanes() throws {
        let directory = try Self.rotated.get()
        for _ in 0..<5 {
            let reader = try JournalFileLanes.open(directory: directory, symbols: SymbolTable())
            var batch = RecordBatch()
            #expect(try reader.read(into: &batch, limit: 100) == 100)
        }
    }

    @Test func badMatchNamesTheDirectory() throws {
        let directory = try Self.rotated.get()
        let error = #expect(throws: InputError.self) {
            try JournalFileLanes.open(directory: directory, matches: ["nonsense"], symbols: SymbolTable())
        }
        #expect(error?.path == directory)
        #expect(error?.reason.contains("bad match 'nonsense'") == true)
    }

    /// Files from two writers (two seqnum IDs) and a copy of a file (same ID, overlapping
    /// range): libsystemd's merge is needed, so one reader reads them, with the same records.
    @Test func foreignOrOverlappingFilesKeepOneReader() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let a = (0..<50).map { ExportEntry.syslog(time: Self.t0 + UInt64($0) * 2, message: "a\($0)") }
        let b = (0..<50).map { ExportEntry.syslog(time: Self.t0 + UInt64($0) * 2 + 1, host: "mx2", message: "b\($0)") }
        try fixture.write(a, name: "a.journal")
        try fixture.write(b, name: "b.journal")
        #expect(JournalFileOrder.sequential(directory: fixture.directory) == nil)
        var symbols = SymbolTable()
        var source = try JournalFileLanes.open(directory: fixture.directory, symbols: symbols)
        #expect(source is JournalReader)
        var seen = try Self.drain(source, symbols)
        #expect(seen == (try Self.oneReader(fixture.directory)))
        // Interleaved by time: libsystemd merged the two files.
        #expect(seen.batches.first?.prefix(2).map { $0.split(separator: " ").last! } == ["a0", "b0"])

        let copies = try JournalFixture()
        defer { copies.remove() }
        let rotated = try #require(JournalFileOrder.sequential(directory: try Self.rotated.get()))
        for (index, file) in rotated.prefix(2).enumerated() {
            try FileManager.default.copyItem(atPath: file, toPath: copies.path("part\(index).journal"))
        }
        #expect(JournalFileOrder.sequential(directory: copies.directory)?.count == 2)
        try FileManager.default.copyItem(atPath: rotated[0], toPath: copies.path("again.journal"))
        #expect(JournalFileOrder.sequential(directory: copies.directory) == nil)
        symbols = SymbolTable()
        source = try JournalFileLanes.open(directory: copies.directory, symbols: symbols, maxMessageBytes: 200)
        #expect(source is JournalReader)
        seen = try Self.drain(source, symbols)
        #expect(seen == (try Self.oneReader(copies.directory)))
    }

    @Test func cursorsGiveSeqnumIDAndNumber() {
        let parsed = JournalFileOrder.parse(cursor: "s=dc057288e0574633833d81c341f96936;i=aaab;b=0123;m=1;t=60a24;x=ff")
        #expect(parsed?.id == "dc057288e0574633833d81c341f96936")
        #expect(parsed?.seqnum == 0xaaab)
        #expect(JournalFileOrder.parse(cursor: "s=ab;b=0123") == nil)
        #expect(JournalFileOrder.parse(cursor: "i=zz;s=ab") == nil)
    }
}
