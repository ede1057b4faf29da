import Foundation
import Testing
@testable import MailslaCore

/// Parses one line and returns the record with its names resolved.
private struct Parsed: Equatable {
    var time: String?
    var host: String?
    var program: String
    var pid: Int32
    var message: String
}

private func parse(_ line: String, year: Int = 2023, zone: String = "UTC", program: String? = nil) -> Parsed? {
    let symbols = SymbolTable()
    var parser = SyslogParser(symbols: symbols,
                              options: ParseOptions(timeZone: TimeZone(identifier: zone)!, program: program),
                              years: YearTracker(.firstLineYear(year)))
    let bytes = Array(line.utf8)
    let outcome = bytes.withUnsafeBufferPointer { parser.parse($0) }
    guard case .record(let r) = outcome else { return nil }
    return Parsed(time: r.time == LogRecord.noTime ? nil : TimeFormat.rfc3339(micros: r.time),
                  host: r.host == .none ? nil : symbols.name(r.host),
                  program: symbols.name(r.program), pid: r.pid,
                  message: String(decoding: bytes[Int(r.messageStart)..<Int(r.messageEnd)], as: UTF8.self))
}

private func reason(_ line: String) -> MalformedReason? {
    var parser = SyslogParser(symbols: SymbolTable(), years: YearTracker(.firstLineYear(2023)))
    let outcome = Array(line.utf8).withUnsafeBufferPointer { parser.parse($0) }
    if case .malformed(let r) = outcome { return r }
    return nil
}

@Suite struct SyslogParserTests {
    // Real lines from ../shared/corpus (pixelpark, fail2ban, lightmeter); test data only.

    /// The pid is read eight bytes at a time when the line has eight bytes from it on, else byte by
    /// byte: every length, leading zeros, both paths, and a tenth digit (no pid: malformed).
    @Test func pidsOfEveryLengthReadTheSameOnBothPaths() {
        for length in 1...10 {
            let digits = String("9081726354".prefix(length))
            for (tail, name) in [("", "short"), (": message text", "long")] {
                let line = "Jan  1 00:00:00 host prog[\(digits)]:\(tail)"
                if length == 10 {
                    #expect(reason(line) == .noProgram, "\(name) \(length) digits")
                } else {
                    #expect(parse(line)?.pid == Int32(digits), "\(name) \(length) digits")
                }
            }
        }
        #expect(parse("Jan  1 00:00:00 host prog[0042]: m")?.pid == 42)
        #expect(parse("Jan  1 00:00:00 host prog[0042]:")?.pid == 42)
        #expect(reason("Jan  1 00:00:00 host prog[]: message text") == .noProgram)
        #expect(reason("Jan  1 00:00:00 host prog[12a]: message text") == .noProgram)
    }

    @Test func rfc3164SpacePaddedDay() {
        #expect(parse("Jan  1 00:00:00 hostname postfix/smtpd[12345]: connect from example.com[123.45.67.89]")
            == Parsed(time: "2023-01-01T00:00:00Z", host: "hostname", program: "postfix/smtpd", pid: 12345,
                      message: "connect from example.com[123.45.67.89]"))
    }

    @Test func rfc3164ZeroPaddedDay() {
        let p = parse("Jul 02 13:49:31 hostname dovecot[442]: pop3-login: Aborted login (auth failed, 1 attempts in 17 secs)")
        #expect(p?.time == "2023-07-02T13:49:31Z")
        #expect(p?.program == "dovecot")
        #expect(p?.message.hasPrefix("pop3-login: Aborted login") == true)
    }

    @Test func rfc3164UnpaddedDay() {
        let p = parse("Jan 1 00:00:00 hostname postfix/unknown[12345]: foo")
        #expect(p == Parsed(time: "2023-01-01T00:00:00Z", host: "hostname", program: "postfix/unknown", pid: 12345, message: "foo"))
    }

    @Test func rfc3164WithoutPidAndWithServiceName() {
        let p = parse("May  6 09:25:41 mail postfix/smtps/smtpd[16997]: warning: unknown[203.0.113.10]: SASL LOGIN authentication failed")
        #expect(p?.program == "postfix/smtps/smtpd")
        let q = parse("Aug 28 06:38:51 s166-62-100-187 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 9 secs)")
        #expect(q?.program == "dovecot")
        #expect(q?.pid == -1)
        #expect(q?.message == "imap-login: Disconnected (auth failed, 1 attempts in 9 secs)")
    }

    @Test func rfc3164InAZoneWithDaylightSaving() {
        // 14 March 2023 is standard time in Berlin (+01:00); 14 July is summer time (+02:00).
        #expect(parse("Mar 14 00:00:31 helga postfix/smtpd[1]: x", zone: "Europe/Berlin")?.time == "2023-03-13T23:00:31Z")
        #expect(parse("Jul 14 00:00:31 helga postfix/smtpd[1]: x", zone: "Europe/Berlin")?.time == "2023-07-13T22:00:31Z")
    }

    @Test func rfc3339WithMicrosecondsAndOffset() {
        let p = parse("2023-03-14T00:00:31.296623+01:00 helga postfix/smtpd[297535]: connect from host1.uhu-banane.de[185.48.118.128]")
        #expect(p == Parsed(time: "2023-03-13T23:00:31.296623Z", host: "helga", program: "postfix/smtpd", pid: 297535,
                            message: "connect from host1.uhu-banane.de[185.48.118.128]"))
        #expect(parse("2026-11-01T10:00:00Z mx1 postfix/qmgr[9]: x")?.time == "2026-11-01T10:00:00Z")
        #expect(parse("2026-11-01T10:00:00.5-0130 mx1 postfix/qmgr[9]: x")?.time == "2026-11-01T11:30:00.500000Z")
    }

    @Test func isoWithASpaceAndNoHost() {
        // Dovecot's own log file.
        let p = parse("2013-08-11 03:56:40 auth-worker(default): Info: pam(username,1.2.3.4): pam_authenticate() failed")
        #expect(p == Parsed(time: "2013-08-11T03:56:40Z", host: nil, program: "auth-worker", pid: -1,
                            message: "auth-worker(default): Info: pam(username,1.2.3.4): pam_authenticate() failed"))
        // Exim's main log has no tag at all: the program comes from --program.
        let exim = parse("2013-01-04 17:03:46 login authenticator failed for (ylmf-pc) [120.196.140.45]: 535", program: "exim")
        #expect(exim == Parsed(time: "2013-01-04T17:03:46Z", host: nil, program: "exim", pid: -1,
                               message: "login authenticator failed for (ylmf-pc) [120.196.140.45]: 535"))
    }

    @Test func dovecotOwnLogWithSyslogStyleTimeAndNoHost() {
        let p = parse("Mar 23 06:10:52 auth: Info: ldap(dog,52.37.139.121,): invalid credentials")
        #expect(p == Parsed(time: "2023-03-23T06:10:52Z", host: nil, program: "auth", pid: -1,
                            message: "Info: ldap(dog,52.37.139.121,): invalid credentials"))
    }

    /// Dovecot 2.4's own log puts the event's fields in the process name's parentheses, ':' included
    /// (fail2ban's dovecot log, gh-4196): the tag runs past them to the ':' before the message, the
    /// program is the process and the message keeps the prefix, where rules read the user and address.
    @Test func dovecot24ProcessNamesKeepTheColonsInTheirParentheses() {
        let real = parse("Aug 30 00:10:57 auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given password: XxxxXXxx123)")
        #expect(real == Parsed(time: "2023-08-30T00:10:57Z", host: nil, program: "auth", pid: -1,
                               message: "auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given password: XxxxXXxx123)"))
        // The same after a host, with an IPv6 address (more colons).
        let v6 = parse("Aug 30 00:10:58 mx1 auth(bob,2001:db8::7,sasl:plain)<AbCdEfGh12345678>: Info: passwd-file: unknown user")
        #expect(v6 == Parsed(time: "2023-08-30T00:10:58Z", host: "mx1", program: "auth", pid: -1,
                             message: "auth(bob,2001:db8::7,sasl:plain)<AbCdEfGh12345678>: Info: passwd-file: unknown user"))
        // A ':' outside parentheses, in parentheses that a space interrupts, or before a pid (which
        // that log does not write), still ends the tag there.
        #expect(parse("Aug 30 00:10:58 mx1 imap(a:b)[77]: Info: x")?.program == "imap")
        #expect(parse("Aug 30 00:10:59 mx1 prog:x y")?.program == "prog")
        #expect(parse("Aug 30 00:10:59 mx1 prog(a:b c): y") == Parsed(
            time: "2023-08-30T00:10:59Z", host: "mx1", program: "prog", pid: -1, message: "prog(a:b c): y"))
        #expect(parse("Aug 30 00:10:59 mx1 prog(a):b: y") == Parsed(
            time: "2023-08-30T00:10:59Z", host: "mx1", program: "prog", pid: -1, message: "prog(a):b: y"))
        // A name that starts with '(' keeps it: nothing before it names a process.
        #expect(parse("Aug 30 00:11:00 mx1 (sd-pam): x")?.program == "(sd-pam)")
    }

    /// A Dovecot process's context (user, pid, session) changes with every session: as part of the
    /// program it would intern a name per session, so 50,000 sessions would fill the symbol table.
    @Test func dovecotSessionsShareOneProgram() {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2023)))
        var programs = Set<Symbol>()
        for n in 0..<50_000 {
            let line = Array("Aug 30 00:10:57 mx1 lmtp(u\(n)@example.com)<\(n)><S\(n)>: Info: msgid=<m\(n)@x>: saved mail to INBOX".utf8)
            guard case .record(let r) = line.withUnsafeBufferPointer({ parser.parse($0) }) else {
                Issue.record("line \(n) did not parse")
                return
            }
            programs.insert(r.program)
        }
        #expect(programs.count == 1)
        #expect(programs.first.map(symbols.name) == "lmtp")
    }

    @Test func tai64n() {
        let p = parse("@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth failed, 1 attempts)")
        // 0x4c91b044 - 10 = 1284616250 s; 0x077a9e94 ns = 125476500 ns.
        #expect(p?.time == "2010-09-16T05:50:50.125476Z")
        #expect(p?.program == "imap-login")
        #expect(p?.host == nil)
    }

    @Test func rfc5424() {
        let p = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8")
        #expect(p == Parsed(time: "2003-10-11T22:14:15.003000Z", host: "mymachine.example.com", program: "su", pid: -1,
                            message: "'su root' failed for lonvick on /dev/pts/8"))
        let sd = parse(#"<165>1 2003-10-11T22:14:15.003Z mx1 postfix/smtpd 4711 - [exampleSDID@32473 iut="3" eventSource="App\"]" x="y"] connect from a[192.0.2.1]"#)
        #expect(sd?.pid == 4711)
        #expect(sd?.message == "connect from a[192.0.2.1]")
        let nilTime = parse("<13>1 - - - - - - hello")
        #expect(nilTime == Parsed(time: nil, host: nil, program: "", pid: -1, message: "hello"))
    }

    @Test func priorityPrefixOnRFC3164() {
        #expect(parse("<22>Mar 14 00:00:31 mx1 postfix/smtpd[5]: hi")?.message == "hi")
    }

    @Test func bareMessagesNeedAProgram() {
        let p = parse("connect from unknown[192.0.2.7]", program: "postfix/smtpd")
        #expect(p == Parsed(time: nil, host: nil, program: "postfix/smtpd", pid: -1, message: "connect from unknown[192.0.2.7]"))
        #expect(reason("connect from unknown[192.0.2.7]") == .unknownTimestamp)
    }

    @Test func malformedLinesNameTheirReason() {
        #expect(reason("") == .empty)
        #expect(reason("Foo 14 00:00:31 mx1 x[1]: y") == .badTimestamp)
        #expect(reason("Mar 32 00:00:31 mx1 x[1]: y") == .badTimestamp)
        #expect(reason("Feb 30 00:00:31 mx1 x[1]: y") == .badTimestamp)
        #expect(reason("Mar 14 25:00:31 mx1 x[1]: y") == .badTimestamp)
        #expect(reason("Mar 14 00:00:31 mx1") == .noHost)
        #expect(reason("Mar 14 00:00:31 mx1 no tag here") == .noProgram)
        #expect(reason("Mar 14 00:00:31 mx1 prog[12x]: y") == .noProgram)
        #expect(reason("2023-13-01T00:00:00Z mx1 x: y") == .badTimestamp)
        #expect(reason("@4000zz") == .badTimestamp)
        #expect(reason("\u{1}\u{2}garbage") == .unknownTimestamp)
    }

    @Test func hostileBytesNeverCrash() {
        var rng = SplitMix64(seed: 7)
        let prefixes = ["Mar 14 00:00:31 ", "2023-03-14T00:00:31.1+01:00 ", "<13>1 ", "@4000000063ff1d2c1234abcd ", "<1>", ""]
        var parser = SyslogParser(symbols: SymbolTable(limit: 64), years: YearTracker(.firstLineYear(2023)))
        for i in 0..<20000 {
            var bytes = Array(prefixes[i % prefixes.count].utf8)
            bytes += (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let cut = Int(rng.next() % UInt64(bytes.count + 1))
            let line = Array(bytes[..<cut])
            let outcome = line.withUnsafeBufferPointer { parser.parse($0) }
            if case .record(let r) = outcome {
                #expect(r.messageStart >= r.lineStart && r.messageEnd == Int32(line.count) && r.messageStart <= r.messageEnd)
            }
        }
    }
}

@Suite struct YearTrackerTests {
    @Test func decemberToJanuaryRollsOver() {
        var years = YearTracker(.firstLineYear(2025))
        #expect([12, 12, 1, 1, 2].map { years.year(forMonth: $0) } == [2025, 2025, 2026, 2026, 2026])
    }

    @Test func aLateDecemberLineAfterNewYearStaysInTheOldYear() {
        var years = YearTracker(.firstLineYear(2025))
        #expect([12, 1, 12, 1].map { years.year(forMonth: $0) } == [2025, 2026, 2025, 2026])
    }

    @Test func modificationTimeAnchorPutsLaterMonthsInThePreviousYear() {
        var years = YearTracker(.endsNear(year: 2026, month: 1))
        #expect([12, 12, 1].map { years.year(forMonth: $0) } == [2025, 2025, 2026])
        var same = YearTracker(.endsNear(year: 2026, month: 11))
        #expect(same.year(forMonth: 11) == 2026)
    }

    @Test func parserAppliesTheRollOver() {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2025)))
        let times = ["Dec 31 23:59:59 h p[1]: a", "Jan  1 00:00:01 h p[1]: b"].map { line -> String in
            guard case .record(let r) = Array(line.utf8).withUnsafeBufferPointer({ parser.parse($0) }) else { return "-" }
            return TimeFormat.rfc3339(micros: r.time)
        }
        #expect(times == ["2025-12-31T23:59:59Z", "2026-01-01T00:00:01Z"])
    }
}

@Suite struct ProgramNameTests {
    @Test func postfixNamesKeepServiceAndInstance() {
        let a = ProgramName("postfix/submission/smtpd")
        #expect((a.instance, a.service, a.daemon) == ("postfix", "submission", "smtpd"))
        let b = ProgramName("postfix/10025/smtpd")
        #expect((b.instance, b.service, b.daemon) == ("postfix", "10025", "smtpd"))
        let c = ProgramName("postfix-out/qmgr")
        #expect((c.instance, c.service, c.daemon) == ("postfix-out", nil, "qmgr"))
        let d = ProgramName("dovecot")
        #expect((d.instance, d.service, d.daemon) == (nil, nil, "dovecot"))
    }
}

/// The parser reuses the month, day, year and minute of the previous RFC 3164 time when the
/// next line starts with the same 12 bytes; these check that reuse against fresh parsers.
@Suite struct SyslogParserMinuteCacheTests {
    @Test func aLongLivedParserAgreesWithAFreshOneOnEveryLine() {
        let lines = [
            "Mar 14 00:00:31 mx1 postfix/smtpd[1]: a",
            "Mar 14 00:00:59 mx1 postfix/smtpd[1]: b",
            "Mar 14 00:00:60 mx1 postfix/smtpd[1]: leap second",
            "Mar 14 00:00:07 mx1 postfix/smtpd[1]: same minute after the leap second",
            "Mar 14 00:00:61 mx1 postfix/smtpd[1]: no such second",
            "Mar 14 00:00:3x mx1 postfix/smtpd[1]: bad digit",
            "Mar 14 00:00:31x mx1 postfix/smtpd[1]: junk after the seconds",
            "Mar 14 00:00:31.250 mx1 postfix/smtpd[1]: fraction",
            "Mar 14 00:00:3",
            "Mar 14 00:00;31 mx1 postfix/smtpd[1]: bad colon",
            "Mar 14 00:01:02 mx1 postfix/smtpd[1]: next minute",
            "Mar  4 00:01:02 mx1 postfix/smtpd[1]: space padded",
            "Mar  4 00:01:03 mx1 postfix/smtpd[1]: space padded again",
            "Mar 4 00:01:03 mx1 postfix/smtpd[1]: unpadded",
            "Mar 4 00:01:09 mx1 postfix/smtpd[1]: unpadded again",
            "Mar 4 00:01:9 mx1 postfix/smtpd[1]: one digit",
            "Mar 04 00:01:09 mx1 postfix/smtpd[1]: zero padded",
            "Feb 29 00:01:09 mx1 postfix/smtpd[1]: not in 2023",
            "Feb 29 00:01:10 mx1 postfix/smtpd[1]: still not",
            "<13>Mar 14 00:01:02 mx1 postfix/smtpd[1]: priority",
        ]
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2023)))
        for line in lines {
            let bytes = Array(line.utf8)
            let outcome = bytes.withUnsafeBufferPointer { parser.parse($0) }
            var longLived: Parsed?
            if case .record(let r) = outcome {
                longLived = Parsed(time: TimeFormat.rfc3339(micros: r.time), host: symbols.name(r.host),
                                   program: symbols.name(r.program), pid: r.pid,
                                   message: String(decoding: bytes[Int(r.messageStart)..<Int(r.messageEnd)], as: UTF8.self))
            }
            #expect(longLived == parse(line), "\(line)")
        }
    }

    @Test func aNewYearAnchorIsNotHiddenByTheCachedMinute() {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2025)))
        func time(_ line: String) -> String? {
            guard case .record(let r) = Array(line.utf8).withUnsafeBufferPointer({ parser.parse($0) }) else { return nil }
            return TimeFormat.rfc3339(micros: r.time)
        }
        #expect(time("Mar 14 00:00:31 h p[1]: a") == "2025-03-14T00:00:31Z")
        parser.years.reanchor(.firstLineYear(2020))
        #expect(time("Mar 14 00:00:32 h p[1]: b") == "2020-03-14T00:00:32Z")
    }

    @Test func theCachedMinuteKeepsTheZonesOffsetPerLine() {
        // 2023-03-26 in Europe/Berlin: 02:00 local does not exist, 01:59 is +01:00, 03:00 is +02:00.
        #expect(parse("Mar 26 01:59:59 h p[1]: a", zone: "Europe/Berlin")?.time == "2023-03-26T00:59:59Z")
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, options: ParseOptions(timeZone: TimeZone(identifier: "Europe/Berlin")!),
                                  years: YearTracker(.firstLineYear(2023)))
        var times: [String] = []
        for line in ["Oct 29 02:30:00 h p[1]: a", "Oct 29 02:30:01 h p[1]: b", "Oct 29 03:30:00 h p[1]: c"] {
            if case .record(let r) = Array(line.utf8).withUnsafeBufferPointer({ parser.parse($0) }) {
                times.append(TimeFormat.rfc3339(micros: r.time))
            }
        }
        #expect(times == ["Oct 29 02:30:00 h p[1]: a", "Oct 29 02:30:01 h p[1]: b", "Oct 29 03:30:00 h p[1]: c"]
            .compactMap { parse($0, zone: "Europe/Berlin")?.time })
        #expect(times.count == 3)
    }
}
