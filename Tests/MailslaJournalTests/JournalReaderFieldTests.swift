import MailslaCore
import MailslaJournal
import Testing

/// What one journal entry becomes: every record field comes from the entry exactly.
@Suite struct JournalReaderFieldTests {
    static let t0: UInt64 = 1_700_000_000_123_456

    @Test func fieldsAreTakenExactly() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write([
            .syslog(time: Self.t0, host: "mx1.example.org", identifier: "postfix/smtpd", pid: "12345",
                    message: "4F1A2B3C4D: client=unknown[203.0.113.7]"),
            .syslog(time: Self.t0 + 1, host: "mx2", identifier: "postfix/qmgr", pid: "1",
                    message: "4F1A2B3C4D: removed"),
        ])
        let symbols = SymbolTable()
        let reader = try JournalReader(.files([file]), symbols: symbols)
        let rows = try reader.readAll(symbols: symbols)
        #expect(rows == [
            Row(time: Int64(Self.t0), host: "mx1.example.org", program: "postfix/smtpd", pid: 12345,
                message: Array("4F1A2B3C4D: client=unknown[203.0.113.7]".utf8)),
            Row(time: Int64(Self.t0 + 1), host: "mx2", program: "postfix/qmgr", pid: 1,
                message: Array("4F1A2B3C4D: removed".utf8)),
        ])
        #expect(reader.entriesRead == 2)
        #expect(reader.entriesWithoutMessage == 0)
    }

    @Test func recordPointsAtItsMessageInTheBatch() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write((0..<3).map { .syslog(time: Self.t0 + UInt64($0), message: "m\($0)") })
        let reader = try JournalReader(.files([file]), symbols: SymbolTable())
        var batch = RecordBatch(bytes: Array("earlier".utf8))
        #expect(try reader.read(into: &batch) == 3)
        // Appends after what the batch held; a journal record has no line prefix.
        #expect(batch.records.map { [$0.lineStart, $0.messageStart, $0.messageEnd] } == [[7, 7, 9], [9, 9, 11], [11, 11, 13]])
        #expect(batch.bytes.array == Array("earlierm0m1m2".utf8))
    }

    @Test func pidFallsBackToSyslogPid() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var both = ExportEntry.syslog(time: Self.t0, pid: "10", message: "both")
        both.add("SYSLOG_PID", "20")
        var syslogOnly = ExportEntry.syslog(time: Self.t0 + 1, pid: nil, message: "syslog only")
        syslogOnly.add("SYSLOG_PID", "20")
        let neither = ExportEntry.syslog(time: Self.t0 + 2, pid: nil, message: "neither")
        let tooLarge = ExportEntry.syslog(time: Self.t0 + 3, pid: "4294967297", message: "too large")
        var notNumber = ExportEntry.syslog(time: Self.t0 + 4, pid: "12a", message: "not a number")
        notNumber.add("SYSLOG_PID", "30")
        let file = try fixture.write([both, syslogOnly, neither, tooLarge, notNumber])
        #expect(try readJournal(.files([file])).map(\.pid) == [10, 20, -1, -1, 30])
    }

    @Test func programFallsBackToComm() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var both = ExportEntry.syslog(time: Self.t0, identifier: "postfix/smtpd", message: "both")
        both.add("_COMM", "smtpd")
        var commOnly = ExportEntry.syslog(time: Self.t0 + 1, identifier: nil, message: "comm only")
        commOnly.add("_COMM", "dovecot")
        let neither = ExportEntry.syslog(time: Self.t0 + 2, host: nil, identifier: nil, message: "neither")
        let file = try fixture.write([both, commOnly, neither])
        let rows = try readJournal(.files([file]))
        #expect(rows.map(\.program) == ["postfix/smtpd", "dovecot", ""])
        #expect(rows.map(\.host) == ["mx1", "mx1", ""])
    }

    @Test func entriesWithoutMessageAreSkippedAndCounted() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write([
            .syslog(time: Self.t0, message: nil),
            .syslog(time: Self.t0 + 1, message: nil),
            .syslog(time: Self.t0 + 2, message: "kept"),
            .syslog(time: Self.t0 + 3, message: nil),
            .syslog(time: Self.t0 + 4, message: ""),
        ])
        let symbols = SymbolTable()
        let reader = try JournalReader(.files([file]), symbols: symbols)
        // A batch limit counts records, so skipped entries never end a read early.
        var batch = RecordBatch()
        #expect(try reader.read(into: &batch, limit: 1) == 1)
        #expect(batch.records.map(\.time) == [Int64(Self.t0 + 2)])
        let rest = try reader.readAll(symbols: symbols)
        // An empty MESSAGE is still a message.
        #expect(messages(rest) == [""])
        #expect(reader.entriesRead == 5)
        #expect(reader.entriesWithoutMessage == 3)
    }

    @Test(arguments: [
        [0x66, 0xFF, 0xFE, 0x6F, 0xC3],                     // invalid UTF-8, cut sequence at the end
        Array("line one\nline two\n".utf8),                  // embedded and trailing newline
        [0x61, 0x00, 0x62, 0x0D, 0x0A, 0x09, 0x1B, 0x5B],   // NUL, CR LF, tab, escape
        Array("caf\u{E9} \u{1F4E7}".utf8),                   // valid multi-byte UTF-8
    ] as [[UInt8]])
    func messagesAreByteExact(message: [UInt8]) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var entry = ExportEntry.syslog(time: Self.t0, message: nil)
        entry.add("MESSAGE", bytes: message)
        let file = try fixture.write([entry, .syslog(time: Self.t0 + 1, message: "after")])
        let rows = try readJournal(.files([file]))
        #expect(rows.map(\.message) == [message, Array("after".utf8)])
    }

    @Test func largeMessagesAreCutAtTheDataThreshold() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        // Large values are stored compressed; libsystemd decompresses at most the threshold.
        let big = (0..<200_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var entry = ExportEntry.syslog(time: Self.t0, message: nil)
        entry.add("MESSAGE", bytes: big)
        let file = try fixture.write([entry])
        let symbols = SymbolTable()
        let reader = try JournalReader(.files([file]), symbols: symbols, maxMessageBytes: 100_000)
        let rows = try reader.readAll(symbols: symbols)
        #expect(rows.count == 1)
        #expect(rows.first?.message == Array(big.prefix(100_000)))
        #expect(reader.messagesCut == 1)
        let whole = try JournalReader(.files([file]), symbols: symbols, maxMessageBytes: 300_000).readAll(symbols: symbols)
        #expect(whole.first?.message == big)
    }

    @Test func batchesHoldAtMostTheLimit() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write((0..<10).map { .syslog(time: Self.t0 + UInt64($0), message: "m\($0)") })
        let reader = try JournalReader(.files([file]), symbols: SymbolTable())
        var sizes: [Int] = []
        while true {
            var batch = RecordBatch()
            let n = try reader.read(into: &batch, limit: 3)
            if n == 0 { break }
            sizes.append(n)
        }
        #expect(sizes == [3, 3, 3, 1])
        var batch = RecordBatch()
        #expect(try reader.read(into: &batch) == 0, "stays at the end")
    }
}

extension JournalReaderFieldTests {
    @Test func repeatedFieldTakesTheFirstValueLikeJournalctl() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var entry = ExportEntry.syslog(time: Self.t0, message: "first")
        entry.add("MESSAGE", "second")
        let file = try fixture.write([entry])
        #expect(try messages(readJournal(.files([file]))) == ["first"])
    }
}
