import Foundation
import MailslaCore
import MailslaJournal
import Testing

/// Several files, directories, and paths libsystemd refuses.
@Suite struct JournalReaderLocationTests {
    static let t0: UInt64 = 1_700_000_000_000_000

    /// Two files whose entries interleave in time: a holds the even seconds, b the odd ones.
    static func twoFiles(_ fixture: JournalFixture) throws -> (String, String) {
        let a = try fixture.write(stride(from: 0, to: 10, by: 2).map {
            .syslog(time: t0 + UInt64($0) * 1_000_000, host: "a", message: "m\($0)")
        }, name: "a.journal")
        let b = try fixture.write(stride(from: 1, to: 10, by: 2).map {
            .syslog(time: t0 + UInt64($0) * 1_000_000, host: "b", message: "m\($0)")
        }, name: "b.journal")
        return (a, b)
    }

    @Test func directoryIsReadAcrossFilesInTimeOrder() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        _ = try Self.twoFiles(fixture)
        let rows = try readJournal(.directory(fixture.directory))
        #expect(messages(rows) == (0..<10).map { "m\($0)" })
        #expect(rows.map(\.time) == (0..<10).map { Int64(Self.t0) + Int64($0) * 1_000_000 })
        #expect(rows.map(\.host) == (0..<10).map { $0 % 2 == 0 ? "a" : "b" })
    }

    @Test func severalFilesAreMergedInTimeOrder() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let (a, b) = try Self.twoFiles(fixture)
        #expect(try messages(readJournal(.files([b, a]))) == (0..<10).map { "m\($0)" })
    }

    @Test func directoryWithMatchesSpansFiles() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        _ = try Self.twoFiles(fixture)
        #expect(try messages(readJournal(.directory(fixture.directory), matches: ["_HOSTNAME=b"]))
                == ["m1", "m3", "m5", "m7", "m9"])
    }

    @Test func emptyDirectoryHasNoEntries() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        #expect(try readJournal(.directory(fixture.directory)).isEmpty)
    }

    @Test func fileThatIsNotAJournalIsRejected() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let path = fixture.path("x.journal")
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(garbage)))
        let error = #expect(throws: InputError.self) {
            try JournalReader(.files([path]), symbols: SymbolTable())
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.path == path)
        #expect(error?.reason == "cannot open the journal: Bad message")
    }

    @Test func missingFileIsRejected() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let path = fixture.path("missing.journal")
        let error = #expect(throws: InputError.self) {
            try JournalReader(.files([path]), symbols: SymbolTable())
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.path == path)
        #expect(error?.reason == "cannot open the journal: No such file or directory")
        #expect(error?.description == "\(path): cannot open the journal: No such file or directory")
    }

    @Test func missingDirectoryIsRejected() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let path = fixture.path("missing")
        let error = #expect(throws: InputError.self) {
            try JournalReader(.directory(path), symbols: SymbolTable())
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.path == path)
        #expect(error?.reason == "cannot open the journal: No such file or directory")
    }
}

extension JournalReaderLocationTests {
    /// libsystemd silently leaves out a file it cannot open in a directory; the reader names it.
    @Test func directoryNamesTheFilesLibsystemdLeftOut() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        _ = try Self.twoFiles(fixture)
        let machine = fixture.path("0123456789abcdef0123456789abcdef")
        try FileManager.default.createDirectory(atPath: machine, withIntermediateDirectories: false)
        let good = try fixture.write([.syslog(time: Self.t0 + 20_000_000, message: "in machine dir")],
                                     name: "0123456789abcdef0123456789abcdef/system.journal")
        let bad = [fixture.path("x.journal"), machine + "/user-1000.journal~", fixture.path("other/y.journal")]
        try FileManager.default.createDirectory(atPath: fixture.path("other"), withIntermediateDirectories: false)
        for path in bad {
            #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x5A, count: 4096)))
        }
        let symbols = SymbolTable()
        let reader = try JournalReader(.directory(fixture.directory), symbols: symbols)
        let rows = try reader.readAll(symbols: symbols)
        #expect(messages(rows) == (0..<10).map { "m\($0)" } + ["in machine dir"])
        #expect(FileManager.default.fileExists(atPath: good))
        // Only where libsystemd looks: not in "other/".
        #expect(reader.rejectedFiles == [
            InputError(.journalRejected, path: bad[1], reason: "journal file left out: Bad message"),
            InputError(.journalRejected, path: bad[0], reason: "journal file left out: Bad message"),
        ])
    }

    @Test func filesLocationNamesNoLeftOutFiles() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let (a, b) = try Self.twoFiles(fixture)
        #expect(try JournalReader(.files([a, b]), symbols: SymbolTable()).rejectedFiles.isEmpty)
    }
}
