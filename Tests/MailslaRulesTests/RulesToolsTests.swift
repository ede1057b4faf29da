import Foundation
import MailslaCore
import Testing
@testable import MailslaRules

/// `rules lint`, `rules coverage` and `rules bench` on small packs.
@Suite struct RulesToolsTests {
    // MARK: - Shapes

    @Test func shapesMaskQueueIDsAddressesNumbersAndHosts() {
        #expect(MessageShape.of("4PbC4x469Jz3tBr: client=mail.example.com[192.0.2.1]") == "QID: client=HOST[IP]")
        #expect(MessageShape.of("6E06752608: to=<a@example.com>, relay=none, delay=30, delays=0.06/0.02/30/0, dsn=4.4.1, status=deferred (connect to 192.0.2.1[192.0.2.1]:25: Connection timed out)")
            == "QID: to=<ADDR>, relay=none, delay=N, delays=N/N/N/N, dsn=N, status=deferred (connect to IP[IP]:N: Connection timed out)")
        #expect(MessageShape.of("connect from unknown[2001:db8::25]") == "connect from unknown[IP]")
        #expect(MessageShape.of("NOQUEUE: reject: RCPT from x.example.net[203.0.113.7]:4711: 554 5.7.1 <b@example.com>: Relay access denied; from=<> to=<b@example.com> proto=ESMTP helo=<mx1>")
            == "NOQUEUE: reject: RCPT from HOST[IP]:N: N N <ADDR>: Relay access denied; from=<> to=<ADDR> proto=ESMTP helo=<ADDR>")
        #expect(MessageShape.of("warning: Illegal address syntax from unknown[192.0.2.9] in MAIL command: user@example")
            == "warning: Illegal address syntax from unknown[IP] in MAIL command: ADDR")
        #expect(MessageShape.of("improper command pipelining after CONNECT from host-1.example.org[198.51.100.2]: Bare <LF> received")
            == "improper command pipelining after CONNECT from HOST[IP]: Bare <LF> received")
        #expect(MessageShape.of("(12345-07) Passed CLEAN, mx1 took 00:00:31 session 0123456789abcdef0123")
            == "(N-N) Passed CLEAN, mxN took N session HEX")
        #expect(MessageShape.of("Anonymous TLS connection established to 192.0.2.4:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384")
            == "Anonymous TLS connection established to IP:N: TLSvN.N with cipher TLS_AES_N_GCM_SHAN")
        #expect(MessageShape.of("Message 5ct12m4yKmz3sU7 from 192.0.2.8 is spam") == "Message ID from IP is spam")
        let long = MessageShape.of("warning: " + String(repeating: "word ", count: 100))
        #expect(long.utf8.count == MessageShape.maxLength + 3 && long.hasSuffix("…"))
    }

    @Test func theShapeTableStaysBoundedAndKeepsFrequentShapes() {
        var table = UnmatchedShapes(limit: 8)
        let program = Symbol(raw: 7)
        func add(_ text: String) {
            Array(text.utf8).withUnsafeBufferPointer { table.add(program: program, message: $0) }
        }
        for i in 0..<200 {
            add("frequent message from 192.0.2.\(i % 250)")
            add("rare message number \(i) of kind \(String(UnicodeScalar(UInt8(97 + i % 26))))\(String(UnicodeScalar(UInt8(97 + i / 26))))")
        }
        #expect(table.count <= 8)
        #expect(table.lines == 400)
        #expect(table.untrackedLines > 0 && table.droppedShapes > 0)
        let top = table.top(1)[0]
        #expect(String(decoding: top.shape, as: UTF8.self) == "frequent message from IP")
        #expect(top.count == 200)
        #expect(String(decoding: top.example, as: UTF8.self) == "frequent message from 192.0.2.0")
    }

    // MARK: - Pattern checks

    private func nested(_ pattern: String) -> [String] {
        let syntax = PatternSyntax(pattern)
        return syntax.nestedQuantifiers.map { syntax.text($0.outer.range) }
    }

    @Test func nestedQuantifiersAreFound() {
        #expect(nested("^(a+)+$") == ["(a+)+"])
        #expect(nested("^(\\w+\\s?)*$") == ["(\\w+\\s?)*"])
        #expect(nested("^x(.*)*y") == ["(.*)*"])
        #expect(nested("^(?:\\d{1,3})+\\.") == ["(?:\\d{1,3})+"])
        #expect(nested("^(\\w|\\d)+$") == ["(\\w|\\d)+"])
        #expect(nested("^(?<a>(?:[a-z]+\\.?)+)@") == ["(?:[a-z]+\\.?)+"])
        // Only the outermost ambiguous group is reported.
        #expect(nested("^((a+)+)+$").count == 1)
        // Inside a fragment-like prefix, case-insensitive and extended mode still parse.
        #expect(nested("(?i)^foo (?x: ( [a-z]+ \\s? )+ ) $") == ["( [a-z]+ \\s? )+"])
    }

    /// Shapes that really run away in PCRE2 (measured here: the match stops at the production
    /// limit on a 4 KiB line that fails at its end) are the shapes `rules lint` flags. Each
    /// subject holds the pattern's required last byte, which PCRE2 would otherwise check first
    /// and so fail at once.
    static let runawayShapes: [(pattern: String, subject: String)] = [
        ("^(a+)+$", String(repeating: "a", count: 4096) + "!"),
        ("^(?:a*)*$", String(repeating: "a", count: 4096) + "!"),
        ("^(.*,)*x$", String(repeating: ",", count: 4096) + "x!"),
        ("^(?:[^,]*,?)*!$", String(repeating: "a", count: 4096) + "!b"),
        ("^(\\w|\\d)+$", String(repeating: "1", count: 4096) + "!"),
        ("^(?<host>[a-z0-9]+\\.?)+\\[", String(repeating: "a", count: 4096) + "!["),
        ("^<(?:[^>]+|\"[^\"]*\")*>x", "<" + String(repeating: "a", count: 4096) + ">yx"),
        ("^(\\s*\\w+\\s*)+$", String(repeating: "a ", count: 2048) + "!"),
    ]

    @Test(arguments: runawayShapes.indices) func aShapeThatRunsAwayIsFlagged(_ index: Int) throws {
        let (source, subject) = Self.runawayShapes[index]
        let pattern = try CompiledPattern(source)
        let matcher = PatternMatcher(maxCaptures: pattern.captureCount)
        let bytes = Array(subject.utf8)
        let result = bytes.withUnsafeBufferPointer { matcher.match(pattern, $0.baseAddress!, $0.count) }
        #expect(result == .limit, "\(source) did not run away: \(result)")
        #expect(!nested(source).isEmpty, "\(source) is not flagged")
        // The possessive form of the same shape is bounded and not flagged.
        let possessive = source.replacingOccurrences(of: ")+", with: ")++").replacingOccurrences(of: ")*", with: ")*+")
        let tamed = try CompiledPattern(possessive)
        let quick = bytes.withUnsafeBufferPointer { PatternMatcher(maxCaptures: tamed.captureCount).match(tamed, $0.baseAddress!, $0.count) }
        #expect(quick == .noMatch, "\(possessive): \(quick)")
        #expect(nested(possessive).isEmpty, "\(possessive) is flagged")
    }

    @Test func safeRepetitionsAreNotFlagged() {
        #expect(nested("^(?:\\d{1,3}\\.){3}\\d{1,3}$").isEmpty)               // bounded both ways
        #expect(nested("^(ab)+$").isEmpty)                                    // nothing repeats inside
        #expect(nested("^([a-z0-9-]+\\.)+[a-z]+$").isEmpty)                  // '.' separates the repetitions
        #expect(nested("^(?:\\s+\\S+)*$").isEmpty)                            // the parts are disjoint
        #expect(nested("^(?:[^<>\"]|\"[^\"]*\")*$").isEmpty)                 // the shipped ADDR shape
        #expect(nested("^x(?:,<(?:[^<>\"]|\"[^\"]*\")*>)*,").isEmpty)       // '>' only inside quotes: it cannot end ADDR
        #expect(nested("^(?: [a-z]{1,12}=[0-9]+(?:/[0-9]+)?)*? commands=").isEmpty)
        #expect(nested("^(a++)+$").isEmpty && nested("^(a+)++$").isEmpty)   // possessive
        #expect(nested("^[(a+)+]\\(a+\\)+$").isEmpty)                        // classes and escaped parentheses
        #expect(nested("^a+b*c+$").isEmpty)
    }

    private func runs(_ pattern: String) -> [String] {
        let syntax = PatternSyntax(pattern)
        return syntax.backtrackingRuns.map { syntax.text($0.range) }
    }

    /// The shapes that ran four shipped rules into the PCRE2 match limit on 64 KiB lines
    /// (postfix.any.queue_write_error, postfix.delivery.status, dovecot's USERTAIL,
    /// postfix.cleanup.message_id), cut down to the run and the choice points that repeat
    /// it, each with a line that runs it out and the one-pass rewrite the pack now uses,
    /// which is bounded on the same line and not flagged.
    static let backtrackingShapes: [(pattern: String, subject: String, fixed: String)] = {
        let queueID = "(?<q>[0-9A-F]{6,21}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20})"
        let filler = String(repeating: "a", count: 65536)
        let tail = "(?: \\([a-z][^()\\r\\n]{0,100}\\))?(?: \\([a-z_]{1,40}\\))?: "
        return [
            ("^warning: (?:\(queueID): )?[^\\r\\n]*(?:queue file write error|error writing [^\\s:]{1,255}:)",
             "warning: 0123456789: \(filler)q",
             "^warning: (?>(?:\(queueID): )?)(?:[^eq\\r\\n]++|e(?!rror writing [^\\s:]{1,255}:)|q(?!ueue file write error))*+"
                + "(?:queue file write error|error writing [^\\s:]{1,255}:)"),
            ("^\(queueID): status=(?<s>[a-z]{4,32}) \\((?<reason>[^\\r\\n]*)\\)$",
             "0123456789: status=sent (\(filler))x",
             "^\(queueID): status=(?<s>[a-z]{4,32}) \\((?<reason>(?:[^)\\r\\n]++|\\)(?!$))*+)\\)$"),
            ("^\(queueID): message-id=<?(?<m>[^<>\\r\\n]*?)>?$",
             "0123456789: message-id=<\(filler)<",
             "^\(queueID): message-id=<?(?<m>[^<>\\r\\n]*+)>?$"),
            ("^Disconnected(?::[^\\r\\n]{0,400}?)?\(tail)(?:user=<(?<user>[^\\r\\n]*)>, )?rip=(?<ip>[0-9A-Fa-f:.]{2,45})$",
             "Disconnected: closed (auth failed) (auth_failed): user=<\(filler)>, rip=192.0.2.1x",
             "^Disconnected(?::[^\\r\\n]{0,400}?)?\(tail)(?:user=<(?<user>(?:[^>\\r\\n]++|>(?!, rip=[0-9A-Fa-f:.]{2,45}$))*+)>, )?"
                + "rip=(?<ip>[0-9A-Fa-f:.]{2,45})$"),
        ]
    }()

    @Test(arguments: backtrackingShapes.indices) func aRunThatBacktracksOverTheLineIsFlagged(_ index: Int) throws {
        let (source, subject, fixed) = Self.backtrackingShapes[index]
        let bytes = Array(subject.utf8)
        func outcome(_ pattern: String) throws -> PatternMatcher.Result {
            let compiled = try CompiledPattern(pattern)
            return bytes.withUnsafeBufferPointer { PatternMatcher(maxCaptures: compiled.captureCount).match(compiled, $0.baseAddress!, $0.count) }
        }
        #expect(try outcome(source) == .limit, "\(source) did not run away")
        #expect(runs(source).count == 1, "\(source): \(runs(source))")
        #expect(try outcome(fixed) == .noMatch, "\(fixed) is not bounded")
        #expect(runs(fixed).isEmpty, "\(fixed): \(runs(fixed))")
    }

    @Test func runsThatReadTheLineOnceAreNotFlagged() {
        #expect(runs("^x [^\\r\\n]*$") == [])                   // nothing it gives back can help: PCRE2 makes it possessive
        #expect(runs("^x [^)]*\\)") == [])                       // it cannot take the ')' that follows
        #expect(runs("^x (?<r>[^\\r\\n]*)") == [])               // the end of the pattern: it never gives back
        #expect(runs("^x [^\\r\\n]{0,400}? y") == [])            // bounded
        #expect(runs("^x (?>[^\\r\\n]*)y") == [])                // atomic
        #expect(runs("^x [^ ]+ [^ ]+$") == [])                   // a separator the run cannot take
        #expect(runs("^x (?:[^,]++|,(?! y))*+, y") == [])        // tempered and possessive
        #expect(runs("^x [a-z]*[0-9]") == [])
        // Flagged: it can take what follows, across optional parts, into the enclosing group's continuation.
        #expect(runs("^x [^\\r\\n]*(?:a)?b") == ["[^\\r\\n]*"])
        #expect(runs("^x (?:[a-z]+)=") == [] && runs("^x (?:[a-z=]+)=") == ["[a-z=]+"])
        #expect(runs("^x (?!.*, relay=)y") == [".*"])            // inside a look-ahead too
        #expect(runs("^x .*?y") == [".*?"])
    }

    @Test func anchoringAndCatchAllShapes() {
        #expect(PatternSyntax("^connect from").isAnchored)
        #expect(PatternSyntax("(?i)^connect").isAnchored)
        #expect(PatternSyntax("\\Aconnect").isAnchored)
        #expect(PatternSyntax("(?:^a|^b)").isAnchored)
        #expect(!PatternSyntax("(?:^a|b)").isAnchored)
        #expect(!PatternSyntax("connect from").isAnchored)
        #expect(!PatternSyntax("(?:x)?^a").isAnchored)
        for pattern in ["^.*$", ".*", "", "^", "^(?<x>.*)$", "(?s)^[\\s\\S]*", "^(?:foo)?.*$", "^.+"] {
            #expect(PatternSyntax(pattern).matchesEverything, "\(pattern)")
        }
        for pattern in ["^$", "^.*foo", "^a.*$", "^(?:.*)x"] {
            #expect(!PatternSyntax(pattern).matchesEverything, "\(pattern)")
        }
        #expect(PatternSyntax("^.*foo").leadingWildcard.map { PatternSyntax("^.*foo").text($0.range) } == ".*")
        #expect(PatternSyntax("^(?<x>.*) foo").leadingWildcard != nil)
        #expect(PatternSyntax("^foo .*").leadingWildcard == nil)
    }

    // MARK: - Lint on packs

    private func findings(_ files: [String: String]) throws -> [String] {
        let rules = try RuleSet(directory: writePack(files))
        return RuleLinter(rules: rules).lint().map { f in
            "\(f.check.rawValue) \(f.ruleID ?? f.fragment ?? "-")"
        }
    }

    private func rule(_ id: String, _ pattern: String, example: String, nonMatch: String? = nil) -> String {
        var text = """
          - id: \(id)
            event: smtp.connect
            pattern: '\(pattern)'
            examples:
              - line: 'Mar 14 00:00:31 mx1 postfix/smtpd[1]: \(example)'

        """
        if let nonMatch { text += "    non_matches: ['Mar 14 00:00:31 mx1 postfix/smtpd[1]: \(nonMatch)']\n" }
        return text
    }

    @Test func theShippedStyleOfPackIsClean() throws {
        // smtpdFile captures client_host/client_ip only; deliveryFile captures a recipient without non_matches.
        #expect(try findings(["smtpd.yaml": smtpdFile]) == [])
        #expect(try findings(["smtp.yaml": deliveryFile]) == ["no-non-matches smtp.delivery"])
    }

    @Test func unanchoredCatchAllAndLeadingWildcardAreWarned() throws {
        let file = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("a.unanchored", "lost connection after (?<client_host>[A-Z]+)", example: "lost connection after DATA")
            + rule("b.leading", "^.*timeout after [A-Z]+$", example: "foo timeout after DATA")
            + rule("c.fine", "^disconnect from %{PEER:client}$", example: "disconnect from a.example.net[192.0.2.1]")
            + rule("z.catchall", "^.*$", example: "anything at all")
        let found = try findings(["a.yaml": file])
        #expect(found.contains("unanchored a.unanchored"))
        #expect(found.contains("leading-wildcard b.leading"))
        #expect(found.contains("catch-all z.catchall"))
        #expect(!found.contains { $0.hasSuffix(" c.fine") })
        #expect(!found.contains("leading-wildcard z.catchall")) // a catch-all is not also a leading wildcard
    }

    @Test func shadowedRulesAreFound() throws {
        let file = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("a.broad", "^connect from ", example: "connect from a.example.net[192.0.2.1]")
            + rule("b.narrow", "^connect from %{PEER:client}$", example: "connect from b.example.net[192.0.2.2]")
            + rule("c.partly", "^(?:dis)?connect from x", example: "disconnect from x.example.net[192.0.2.3]")
        let found = try findings(["a.yaml": file])
        #expect(found.contains("shadowed b.narrow"))
        #expect(!found.contains("shadowed a.broad"))
        #expect(!found.contains("shadowed c.partly")) // its example is not taken by a.broad
        // An earlier file whose programs also cover the line shadows too; another program's file does not.
        let other = "programs: [\"postfix*/qmgr\"]\nrules:\n"
            + rule("q.broad", "^connect", example: "connect from a.example.net[192.0.2.1]").replacingOccurrences(of: "postfix/smtpd", with: "postfix/qmgr")
        let narrow = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("s.narrow", "^connect from %{PEER:client}$", example: "connect from b.example.net[192.0.2.2]")
        #expect(try findings(["a.yaml": other, "b.yaml": narrow]) == [])
        let broad = "programs: [\"postfix/smtpd\"]\nrules:\n"
            + rule("p.broad", "^connect", example: "connect from a.example.net[192.0.2.1]")
        #expect(try findings(["a.yaml": broad, "b.yaml": narrow]) == ["shadowed s.narrow"])
        // Dispatch order, not file order: the file whose glob names the program more precisely goes first.
        let catchAllGlob = broad.replacingOccurrences(of: "[\"postfix/smtpd\"]", with: "[\"postfix*/*\"]")
        #expect(try findings(["a.yaml": catchAllGlob, "b.yaml": narrow]) == ["shadowed p.broad"])
    }

    @Test func nestedQuantifiersAreReportedOnceAtTheirFragment() throws {
        let fragments = """
        fragments:
          QUEUEID: '(?<queue_id>[0-9A-F]{6,12})'
          PEER: '(?<host>[^\\s\\[\\]]+)\\[(?<ip>[^\\]]+)\\]'
          WORDS: '(?:\\w+\\s?)+'
        """
        let file = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("a.one", "^warning: %{WORDS}$", example: "warning: some words here")
            + rule("b.two", "^notice: %{WORDS}$", example: "notice: other words")
            + rule("c.own", "^error: (?:[a-z]+,?)+$", example: "error: a,b")
        let rules = try RuleSet(directory: writePack(["fragments.yaml": fragments, "a.yaml": file]))
        let found = RuleLinter(rules: rules).lint().filter { $0.check == .nestedQuantifier }
        #expect(found.count == 2)
        let atFragment = try #require(found.first { $0.fragment == "WORDS" })
        #expect(atFragment.file.hasSuffix("fragments.yaml") && atFragment.ruleID == nil && atFragment.patternOffset == 0)
        #expect(atFragment.message.hasSuffix("(used by a.one, b.two)"))
        let atRule = try #require(found.first { $0.ruleID == "c.own" })
        #expect(atRule.patternOffset == 8 && atRule.line == 13)
        #expect(atRule.description.contains("warning[nested-quantifier]: nested quantifier '(?:[a-z]+,?)+'"))
    }

    @Test func attackerControlledCapturesNeedNonMatches() throws {
        let taxonomy = """
        kinds:
          smtp.connect: "a client connected"
        fields:
          client_host: "client name"
          client_ip: "client address"
          helo: "HELO name"
          orig_helo: "HELO, renamed"
        """
        let file = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("a.bare", "^helo (?<helo>[^ ]+)$", example: "helo x.example")
            + rule("b.tested", "^ehlo (?<helo>[^ ]+)$", example: "ehlo x.example", nonMatch: "ehlo x y")
            + rule("c.prefixed", "^lhlo (?<orig_helo>[^ ]+)$", example: "lhlo x.example")
        let found = try findings(["taxonomy.yaml": taxonomy, "a.yaml": file])
        #expect(found == ["no-non-matches a.bare", "no-non-matches c.prefixed"])
    }

    @Test func aRefusedPackIsLintErrors() {
        let bad = smtpdFile.replacingOccurrences(of: "'^connect from %{PEER:client}$'", with: "'^connect from (?<client_host>[a-z+$'")
        let report = RuleLinter.lint(directory: writePack(["smtpd.yaml": bad]))
        #expect(report.errors == 1 && report.rules == 0)
        #expect(report.findings.first?.check == .load)
        #expect(report.findings.first?.description.contains("error[load]: the pattern does not compile") == true)
        #expect(!report.passed(strict: false))
        let good = RuleLinter.lint(directory: writePack(["smtp.yaml": deliveryFile]))
        #expect(good.errors == 0 && good.warnings == 1 && good.passed(strict: false) && !good.passed(strict: true))
    }

    // MARK: - Coverage and cost

    /// Frames, parses and classifies a log file as replay does, with shapes and timing on.
    private func classify(file path: String, rules: RuleSet) throws -> (Classifier, SymbolTable, Int) {
        let symbols = SymbolTable()
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        var classifier = Classifier(rules: rules, symbols: symbols)
        classifier.collectUnmatchedShapes(limit: 100)
        classifier.timing = true
        var framer = LineFramer()
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var lines = data.withUnsafeBytes { framer.append($0) }
        lines.append(framer.takeLines(atEnd: true))
        var malformed = MalformedCounts()
        var batch = RecordBatch()
        var events = EventBatch()
        for chunk in lines where !chunk.lines.isEmpty {
            parser.parse(chunk, into: &batch, malformed: &malformed)
            classifier.classify(batch, into: &events)
        }
        return (classifier, symbols, malformed.total)
    }

    @Test func coverageCountsAFile() throws {
        let rules = try RuleSet(directory: writePack(["smtpd.yaml": smtpdFile, "smtp.yaml": deliveryFile]))
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-coverage-\(UUID().uuidString).log")
        try """
        Mar 14 00:00:31 mx1 postfix/smtpd[1]: connect from a.example.net[192.0.2.1]
        Mar 14 00:00:32 mx1 postfix/smtpd[1]: connect from b.example.net[192.0.2.2]
        Mar 14 00:00:33 mx1 postfix/smtpd[1]: disconnect from a.example.net[192.0.2.1] ehlo=1 quit=1 commands=2
        Mar 14 00:00:34 mx1 postfix/smtpd[1]: disconnect from b.example.net[192.0.2.2] ehlo=1 quit=1 commands=2
        Mar 14 00:00:35 mx1 postfix/smtpd[1]: lost connection after EHLO from c.example.net[192.0.2.3]
        Mar 14 00:00:36 mx1 postfix/qmgr[2]: 6E06752608: removed
        Mar 14 00:00:37 mx1 postfix/qmgr[2]: 6E06752609: removed

        """.write(to: log, atomically: true, encoding: .utf8)
        let (classifier, symbols, malformed) = try classify(file: log.path, rules: rules)
        #expect(malformed == 0)
        let report = CoverageReport(rules: rules, counters: classifier.counters, symbols: symbols, topShapes: 10)
        #expect(report.records == 7 && report.matched == 2 && report.unmatched == 5)
        #expect(report.programs == [
            .init(name: "postfix/smtpd", lines: 5, matched: 2, unmatched: 3, rules: 1),
            .init(name: "postfix/qmgr", lines: 2, matched: 0, unmatched: 2, rules: 0),
        ])
        // Tries are PCRE2 runs: the disconnect and lost-connection lines start with a byte
        // `^connect from` cannot start with, so the first-byte dispatch never runs it on them.
        #expect(report.rules.map { "\($0.id)=\($0.hits)/\($0.tries)" } == ["smtp.delivery=0/0", "smtpd.connect=2/2"])
        #expect(report.neverHit == ["smtp.delivery"])
        #expect(report.shapes.map { "\($0.count) \($0.program) \($0.shape)" } == [
            "2 postfix/qmgr QID: removed",
            "2 postfix/smtpd disconnect from HOST[IP] ehlo=N quit=N commands=N",
            "1 postfix/smtpd lost connection after EHLO from HOST[IP]",
        ])
        #expect(report.shapes[0].example == "6E06752608: removed")
        let text = report.text()
        #expect(text.contains("coverage: 7 records, 2 matched (28.6 %), 5 unmatched"))
        #expect(text.contains("never hit:\n  smtp.delivery  (smtp.yaml:3, tried 0 times)"))
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect(json?["never_hit"] as? [String] == ["smtp.delivery"])
        #expect((json?["shapes"] as? [[String: Any]])?.first?["shape"] as? String == "QID: removed")

        let cost = RuleCostReport(rules: rules, counters: classifier.counters, lines: 7, timedSeconds: 0.001)
        #expect(cost.rules.first?.id == "smtpd.connect" && cost.rules.first?.tries == 2)
        #expect(cost.rules.first.map { $0.nanoseconds > 0 && $0.share == 1 } == true)
    }

    @Test func thePathologicalCheckCatchesARunawayPattern() throws {
        let file = "programs: [\"postfix*/smtpd\"]\nrules:\n"
            + rule("a.runaway", "^(?:a+)+[bc]", example: "aab")
            + rule("b.tight", "^connect from %{PEER:client}$", example: "connect from a.example.net[192.0.2.1]")
        let rules = try RuleSet(directory: writePack(["a.yaml": file]))
        let results = PathologicalCheck.run(rules: rules, length: 4096, repeats: 1)
        let runaway = try #require(results.first { $0.id == "a.runaway" })
        #expect(runaway.subjects.map(\.subject) == ["a×4096", "random×4096", "example+a×4093"])
        #expect(runaway.subjects[0].outcome == "limit")
        let tight = try #require(results.first { $0.id == "b.tight" })
        #expect(tight.subjects.allSatisfy { $0.outcome == "no-match" })
        #expect(PathologicalCheck.text(results).contains("hit the match limit (the line would go unclassified): a.runaway"))
    }
}
