import Foundation
import Testing
import Mailsla
import MailslaCore
@testable import MailslaCorpus

/// The corpus generator: deterministic by seed, exact line counts, every line
/// parses, and its truth agrees with what `Replay` counts.
@Suite("Corpus generator")
struct CorpusGeneratorTests {
    static let lines = 20_000

    static func options(_ format: CorpusFormat, seed: UInt64 = 42, lines: Int = lines, days: Int = 2) -> CorpusOptions {
        CorpusOptions(seed: seed, lines: lines, days: days, format: format)
    }

    @Test("the same seed gives the same bytes and truth; another seed does not", arguments: CorpusFormat.allCases)
    func deterministic(format: CorpusFormat) throws {
        let a = try CorpusWriter.generate(Self.options(format))
        let b = try CorpusWriter.generate(Self.options(format))
        #expect(a.bytes == b.bytes)
        #expect(a.truth == b.truth)
        let c = try CorpusWriter.generate(Self.options(format, seed: 43))
        #expect(a.bytes != c.bytes)
    }

    @Test("line counts match the options and the truth", arguments: CorpusFormat.allCases)
    func lineCounts(format: CorpusFormat) throws {
        for lines in [1, 7, 97, Self.lines] {
            let (bytes, truth) = try CorpusWriter.generate(Self.options(format, lines: lines))
            let counted = format == .journalExport ? journalEntries(bytes).count : bytes.filter { $0 == 0x0A }.count
            #expect(counted == lines)
            #expect(truth.lines == lines)
            #expect(truth.byProgram.values.reduce(0, +) == lines)
            #expect(truth.byHost.values.reduce(0, +) == lines)
            #expect(truth.files.map(\.lines).reduce(0, +) == lines)
            #expect(truth.bytes == bytes.count)
        }
    }

    @Test("every RFC 3164 and RFC 3339 line parses, in time order, inside the span",
          arguments: [CorpusFormat.rfc3164, .rfc3339])
    func everyLineParses(format: CorpusFormat) throws {
        let options = Self.options(format)
        let (bytes, truth) = try CorpusWriter.generate(options)
        let symbols = SymbolTable()
        var framer = LineFramer()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var malformed = MalformedCounts()
        var batch = RecordBatch()
        var byProgram: [String: Int] = [:]
        var byHost: [String: Int] = [:]
        var previous = Int64.min
        var parsed = 0
        var disorder = 0
        for chunk in bytes.withUnsafeBytes({ framer.append($0) }) + [framer.takeLines(atEnd: true)] where !chunk.lines.isEmpty {
            parser.parse(chunk, into: &batch, malformed: &malformed)
            for record in batch.records {
                parsed += 1
                byProgram[symbols.name(record.program), default: 0] += 1
                byHost[symbols.name(record.host), default: 0] += 1
                if record.time < previous { disorder += 1 }
                previous = record.time
                #expect(record.time >= options.start && record.time < options.end)
                if record.program != symbols.intern("dovecot") { #expect(record.pid > 0) }
            }
        }
        #expect(malformed.total == 0)
        #expect(parsed == Self.lines)
        #expect(disorder == 0)
        #expect(byProgram == truth.byProgram)
        #expect(byHost == truth.byHost)
    }

    @Test("Replay counts what the truth says, for one file and for a rotated set with .gz",
          arguments: [CorpusFormat.rfc3164, .rfc3339])
    func replayAgreesWithTruth(format: CorpusFormat) throws {
        let directory = makeCorpusDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = Self.options(format, days: 3)

        let single = directory.appendingPathComponent("single.log").path
        let truth = try CorpusWriter(options: options).write(to: .file(single))
        try expectReplay(paths: [single], matches: truth)

        let rotated = directory.appendingPathComponent("mail.log").path
        let rotatedTruth = try CorpusWriter(options: options).write(to: .rotated(rotated, count: 4))
        #expect(rotatedTruth.files.map(\.path) == ["\(rotated).3.gz", "\(rotated).2.gz", "\(rotated).1", rotated])
        #expect(rotatedTruth.files.map(\.compressed) == [true, true, false, false])
        for file in rotatedTruth.files {
            #expect(FileManager.default.fileExists(atPath: file.path))
            #expect(file.lines > 0)
        }
        let magic = try Data(contentsOf: URL(fileURLWithPath: "\(rotated).3.gz")).prefix(2)
        #expect(Array(magic) == [0x1F, 0x8B])
        #expect(rotatedTruth.byProgram == truth.byProgram)
        // No --year: the year comes from each file's modification time, which is set to its last line.
        try expectReplay(paths: [rotated + "*"], matches: rotatedTruth, year: nil)
    }

    @Test("the journal export turns into a journal that Replay counts as the truth says")
    func journalExport() throws {
        let remote = "/lib/systemd/systemd-journal-remote"
        try #require(FileManager.default.isExecutableFile(atPath: remote), "needs systemd-journal-remote (apt-get install systemd-journal-remote)")
        let (bytes, truth) = try CorpusWriter.generate(Self.options(.journalExport, lines: 5000))
        for entry in journalEntries(bytes) {
            let names = entry.split(separator: "\n").map { $0.prefix(while: { $0 != "=" }) }
            for required in ["__REALTIME_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_PID", "MESSAGE"] {
                #expect(names.contains(Substring(required)), "entry without \(required)")
            }
        }
        let directory = makeCorpusDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: remote)
        process.arguments = ["--output=\(directory.path)/corpus.journal", "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        var replay = ReplayOptions()
        replay.journalDirectories = [directory.path]
        let result = try Replay(options: replay).run()
        #expect(result.errors.isEmpty)
        #expect(result.counters.journalEntries == truth.lines)
        #expect(names(result.counters.byProgram, result.symbols) == truth.byProgram)
        #expect(names(result.counters.byHost, result.symbols) == truth.byHost)
        #expect(result.counters.firstTime == truth.firstTimeMicros)
        #expect(result.counters.lastTime == truth.lastTimeMicros)
    }

    @Test("the truth file is JSON that decodes back to the same truth")
    func truthRoundTrip() throws {
        let (_, truth) = try CorpusWriter.generate(Self.options(.rfc3164))
        let decoded = try JSONDecoder().decode(CorpusTruth.self, from: Data(truth.jsonBytes()))
        #expect(decoded == truth)
        #expect(decoded.schema == CorpusTruth.schemaName)
    }

    @Test("the truth describes the flows: queue ids, filter hops, outcomes")
    func truthContent() throws {
        let (bytes, truth) = try CorpusWriter.generate(Self.options(.rfc3164, lines: 60_000, days: 3))
        // "QID: message-id=<…>" of every cleanup line.
        var messageIDLines = Set<Substring>()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.contains(" message-id=") {
            if let tagEnd = line.range(of: "]: ") { messageIDLines.insert(line[tagEnd.upperBound...]) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let o = truth.outcomes
        #expect(o.messages == truth.messages.count)
        #expect(o.received > 0 && o.delivered > 0 && o.deferredAttempts > 0 && o.bounced > 0)
        #expect(o.bounceNotices > 0 && o.clean > 0 && o.spamBlocked > 0 && o.spamPassed > 0)
        #expect(o.imapLogins > 0 && o.pop3Logins > 0 && o.failedLogins > 0)
        #expect(o.rejected.values.reduce(0, +) == truth.rejects.count)
        #expect(Set(truth.byHost.keys) == ["mx1", "mx2", "smtp1", "imap1"])
        for program in ["postfix/postscreen", "postfix/smtpd", "postfix/cleanup", "postfix/qmgr", "postfix/smtp",
                        "postfix/lmtp", "postfix/local", "postfix/bounce", "postfix/pickup", "postfix/10025/smtpd",
                        "postfix/submission/smtpd", "amavis", "dovecot", "CRON", "sshd"] {
            #expect((truth.byProgram[program] ?? 0) > 0, "no \(program) lines")
        }
        var short = 0
        var long = 0
        for (index, message) in truth.messages.enumerated() {
            switch message.queueID.count {
            case 10: short += 1
            case 15: long += 1
            default: Issue.record("queue id \(message.queueID) is neither 10 nor 15 characters")
            }
            #expect(messageIDLines.contains("\(message.queueID): message-id=\(message.messageID)"))
            if message.kind == "reinjected" || message.kind == "bounce" {
                let parent = try #require(message.parent)
                #expect(parent < index)
                #expect(message.kind != "reinjected" || truth.messages[parent].messageID == message.messageID)
            } else {
                #expect(message.parent == nil)
            }
            if let removed = message.removedMicros { #expect(removed >= message.receivedMicros) }
            for recipient in message.recipients where recipient.status == "filtered" {
                #expect(message.kind == "inbound" && recipient.relay == "filter")
            }
        }
        #expect(short > 0 && long > 0)
        #expect(text.contains("NOQUEUE: reject: RCPT from"))
        #expect(text.contains("relay=127.0.0.1[127.0.0.1]:10024"))
        #expect(text.contains("status=deferred"))
        #expect(text.contains("status=bounced"))
    }

    @Test("only documentation addresses and example.com/.net names appear")
    func documentationNamesOnly() throws {
        let (bytes, _) = try CorpusWriter.generate(Self.options(.rfc3164, lines: 30_000))
        let text = String(decoding: bytes, as: UTF8.self)
        let allowedInToken = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        var addresses = Set<Substring>()
        var names = Set<Substring>()
        for token in text.unicodeScalars.split(whereSeparator: { !allowedInToken.contains($0) }) {
            var word = Substring(String(token))
            while word.hasSuffix(".") { word = word.dropLast() }
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
                addresses.insert(word)
            } else if [".com", ".net", ".org", ".de", ".io"].contains(where: { word.hasSuffix($0) }) {
                names.insert(word)
            }
        }
        #expect(!addresses.isEmpty && !names.isEmpty)
        for address in addresses {
            let allowed = ["192.0.2.", "198.51.100.", "203.0.113."].contains { address.hasPrefix($0) } || address == "127.0.0.1"
            #expect(allowed, "address \(address) outside the documentation ranges")
        }
        for name in names {
            #expect(name.hasSuffix("example.com") || name.hasSuffix("example.net"), "name \(name) outside example.com/.net")
        }
    }

    @Test("options are checked with messages that say what to change")
    func validation() {
        #expect(throws: CorpusError.self) { try CorpusOptions(seed: 1, lines: 0).validate() }
        #expect(throws: CorpusError.self) { try CorpusOptions(seed: 1, lines: 10, days: 0).validate() }
        #expect(throws: CorpusError.self) { try CorpusOptions(seed: 1, lines: 1_000_000_000, days: 1).validate() }
        #expect(throws: Never.self) { try CorpusOptions(seed: 1, lines: 10, days: 1).validate() }
    }

    @Test("Postfix-style delays and queue ids")
    func formatting() {
        var out = ByteWriter()
        for micros: Int64 in [0, 4_000, 10_000, 120_000, 100_000, 6_240_000, 5_000_000, 30_900_000, 423_000_000] {
            out.appendPostfixDelay(micros: micros)
            out.append(" ")
        }
        #expect(String(decoding: out.bytes, as: UTF8.self) == "0 0 0.01 0.12 0.1 6.2 5 30 423 ")
        let short = QueueID.short(micros: 1_793_491_200_123_456, inode: 0x52608)
        #expect(short.string == "1E24052608")
        let long = QueueID.long(micros: 1_793_491_200_123_456, inode: 12345)
        #expect(long.string.count == 15)
        #expect(long.string.dropFirst(10).first == "z")
    }

    // MARK: helpers

    private func expectReplay(paths: [String], matches truth: CorpusTruth, year: Int? = 2026,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        var options = ReplayOptions()
        options.paths = paths
        options.year = year
        let result = try Replay(options: options).run()
        #expect(result.errors.isEmpty, sourceLocation: sourceLocation)
        #expect(result.counters.lines == truth.lines, sourceLocation: sourceLocation)
        #expect(result.counters.parsed == truth.lines, sourceLocation: sourceLocation)
        #expect(result.counters.malformed.total == 0, sourceLocation: sourceLocation)
        #expect(names(result.counters.byProgram, result.symbols) == truth.byProgram, sourceLocation: sourceLocation)
        #expect(names(result.counters.byHost, result.symbols) == truth.byHost, sourceLocation: sourceLocation)
        #expect(result.counters.firstTime == truth.firstTimeMicros, sourceLocation: sourceLocation)
        #expect(result.counters.lastTime == truth.lastTimeMicros, sourceLocation: sourceLocation)
        #expect(result.sources.count == truth.files.count, sourceLocation: sourceLocation)
    }

    private func names(_ counts: [Symbol: Int], _ symbols: SymbolTable) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { (symbols.name($0.key), $0.value) })
    }

    /// The entries of a journal export stream (text form only, which is all the generator writes).
    private func journalEntries(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }

    private func makeCorpusDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-corpus-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
