import MailslaCore
import MailslaJournal
import Testing

/// `--match FIELD=value`: libsystemd ORs values of one field and ANDs different fields.
@Suite struct JournalReaderMatchTests {
    static let t0: UInt64 = 1_700_000_000_000_000

    /// smtpd, qmgr and sshd on two hosts; each message names its program and host.
    static func entries() -> [ExportEntry] {
        var entries: [ExportEntry] = []
        for (i, (host, program)) in [("mx1", "postfix/smtpd"), ("mx1", "postfix/qmgr"), ("mx1", "sshd"),
                                     ("mx2", "postfix/smtpd"), ("mx2", "postfix/qmgr"), ("mx2", "sshd")].enumerated() {
            entries.append(.syslog(time: t0 + UInt64(i), host: host, identifier: program,
                                   message: "\(program)@\(host)"))
        }
        return entries
    }

    @Test(arguments: [
        ([], ["postfix/smtpd@mx1", "postfix/qmgr@mx1", "sshd@mx1", "postfix/smtpd@mx2", "postfix/qmgr@mx2", "sshd@mx2"]),
        (["SYSLOG_IDENTIFIER=postfix/smtpd"], ["postfix/smtpd@mx1", "postfix/smtpd@mx2"]),
        (["SYSLOG_IDENTIFIER=postfix/smtpd", "SYSLOG_IDENTIFIER=sshd"],
         ["postfix/smtpd@mx1", "sshd@mx1", "postfix/smtpd@mx2", "sshd@mx2"]),
        (["SYSLOG_IDENTIFIER=postfix/smtpd", "_HOSTNAME=mx2"], ["postfix/smtpd@mx2"]),
        (["SYSLOG_IDENTIFIER=postfix/smtpd", "_HOSTNAME=mx2", "SYSLOG_IDENTIFIER=sshd"],
         ["postfix/smtpd@mx2", "sshd@mx2"]),
        (["SYSLOG_IDENTIFIER=nobody"], []),
        (["SYSLOG_IDENTIFIER=postfix"], []),   // whole values only, no prefixes
    ] as [([String], [String])])
    func matchesFilterEntries(matches: [String], expected: [String]) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries())
        #expect(try messages(readJournal(.files([file]), matches: matches)) == expected)
    }

    @Test(arguments: ["SYSLOG_IDENTIFIER", "=value", "syslog_identifier=sshd", ""])
    func malformedMatchIsRejected(match: String) throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let file = try fixture.write(Self.entries())
        let error = #expect(throws: InputError.self) {
            try JournalReader(.files([file]), matches: [match], symbols: SymbolTable())
        }
        #expect(error?.code == .journalRejected)
        #expect(error?.reason.contains("bad match '\(match)'") == true, "\(String(describing: error))")
        #expect(error?.reason.contains("Invalid argument") == true, "\(String(describing: error))")
    }
}
