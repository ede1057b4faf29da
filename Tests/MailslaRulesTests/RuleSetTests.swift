import Testing
import MailslaCore
@testable import MailslaRules

@Suite struct RuleSetTests {
    @Test func aGoodPackVerifiesAndExplains() throws {
        let rules = try RuleSet(directory: writePack(["smtpd.yaml": smtpdFile, "delivery.yaml": deliveryFile]))
        let outcome = RuleVerifier(rules: rules).verify()
        #expect(outcome.failures.map(\.description) == [])
        #expect(outcome.rules == 2 && outcome.examples == 3 && outcome.nonMatches == 1)
        let e = RuleVerifier(rules: rules).explain("Mar 14 00:00:31 mx1 postfix-out/smtpd[1]: connect from a.example[192.0.2.3]")
        #expect(e.ruleID == "smtpd.connect" && e.kind == "smtp.connect")
        #expect(e.fields.map { "\($0.0)=\($0.1)" } == ["client_host=a.example", "client_ip=192.0.2.3"])
        // Dispatch: the same message from another program is not tried against smtpd rules.
        #expect(RuleVerifier(rules: rules).explain("Mar 14 00:00:31 mx1 postfix/qmgr[1]: connect from a.example[192.0.2.3]").ruleID == nil)
    }

    @Test func theVerifierCatchesAWrongField() throws {
        let wrong = smtpdFile.replacingOccurrences(of: "client_ip: 192.0.2.1", with: "client_ip: 192.0.2.99")
        let rules = try RuleSet(directory: writePack(["smtpd.yaml": wrong]))
        let failures = RuleVerifier(rules: rules).verify().failures
        #expect(failures.count == 1)
        #expect(failures.first?.message == "field client_ip: expected '192.0.2.99', got '192.0.2.1'")
        #expect(failures.first?.line == 7)
    }

    @Test func theVerifierCatchesANonMatchThatMatches() throws {
        let wrong = smtpdFile.replacingOccurrences(of: "disconnect from host1", with: "connect from host1")
        let failures = RuleVerifier(rules: try RuleSet(directory: writePack(["smtpd.yaml": wrong]))).verify().failures
        #expect(failures.map(\.message) == ["a non-matching line matched"])
    }

    private func refusal(_ files: [String: String]) -> [String] {
        do {
            _ = try RuleSet(directory: writePack(files))
            return []
        } catch let error as RulePackErrors {
            return error.errors.map { e in
                var text = (e.file as NSString).lastPathComponent
                if let line = e.line { text += ":\(line)" }
                if let id = e.ruleID { text += " \(id)" }
                if let offset = e.patternOffset { text += " @\(offset)" }
                return text + ": " + e.message
            }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func aBadRegexNamesFileRuleAndOffset() {
        let bad = smtpdFile.replacingOccurrences(of: "'^connect from %{PEER:client}$'", with: "'^connect from (?<client_host>[a-z+$'")
        let errors = refusal(["smtpd.yaml": bad])
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("smtpd.yaml:3 smtpd.connect @") == true)
        #expect(errors.first?.contains("the pattern does not compile: missing terminating ] for character class") == true)
    }

    @Test func unknownFragmentsKeysKindsFieldsAndDuplicatesAreRefused() {
        #expect(refusal(["a.yaml": smtpdFile.replacingOccurrences(of: "%{PEER:client}", with: "%{NOPE}")])
            == ["a.yaml:3 smtpd.connect: unknown fragment %{NOPE}: define it in the file or in fragments.yaml"])
        #expect(refusal(["a.yaml": smtpdFile.replacingOccurrences(of: "    event: smtp.connect", with: "    evnt: smtp.connect")])
            .first?.contains("unknown key 'evnt' in a rule") == true)
        #expect(refusal(["a.yaml": smtpdFile.replacingOccurrences(of: "event: smtp.connect", with: "event: smtp.nope")])
            == ["a.yaml:3 smtpd.connect: unknown event kind 'smtp.nope': add it to taxonomy.yaml or use an existing one"])
        #expect(refusal(["a.yaml": smtpdFile.replacingOccurrences(of: "%{PEER:client}", with: "%{PEER:peer}")]).count == 2)
        #expect(refusal(["a.yaml": smtpdFile, "b.yaml": smtpdFile]).first?.contains("duplicate rule id") == true)
    }

    @Test func aRuleWithoutAnExampleAndAYAMLErrorAreRefused() {
        let noExample = """
        programs: ["x"]
        rules:
          - id: x.one
            event: smtp.connect
            pattern: '^x'
        """
        #expect(refusal(["a.yaml": noExample]) == ["a.yaml:3 x.one: the rule has no positive example: add one under examples"])
        let yaml = refusal(["a.yaml": "programs: [\"x\"\nrules: 3"])
        #expect(yaml.count == 1 && yaml[0].hasPrefix("a.yaml: YAML error"))
    }

    @Test func programGlobs() {
        #expect(ProgramGlob("postfix*/smtpd").matches("postfix/smtpd"))
        #expect(ProgramGlob("postfix*/smtpd").matches("postfix-out/smtpd"))
        #expect(ProgramGlob("postfix*/*/smtpd").matches("postfix/submission/smtpd"))
        #expect(!ProgramGlob("postfix*/*/smtpd").matches("postfix/smtpd"))
        #expect(!ProgramGlob("postfix*/smtpd").matches("postfix/smtpd2"))
        #expect(ProgramGlob("auth-worker?*").matches("auth-worker(304)"))
        #expect(ProgramGlob("dovecot").matches("dovecot") && !ProgramGlob("dovecot").matches("dovecot2"))
    }

    @Test func catastrophicPatternsHitTheLimitInsteadOfHanging() throws {
        let evil = """
        programs: ["x"]
        rules:
          - id: x.evil
            event: smtp.connect
            pattern: '^(a|a)+$'
            examples:
              - line: 'Mar 14 00:00:31 mx1 x[1]: aa'
        """
        let rules = try RuleSet(directory: writePack(["x.yaml": evil]))
        let symbols = SymbolTable()
        var classifier = Classifier(rules: rules, symbols: symbols)
        let message = Array((String(repeating: "a", count: 60) + "!").utf8)
        let batch = RecordBatch(bytes: message, records: [LogRecord(time: 0, host: .none, program: symbols.intern("x"), pid: 1,
                                                                  lineStart: 0, messageStart: 0, messageEnd: Int32(message.count))])
        var events = EventBatch()
        classifier.classify(batch, into: &events) // returns: the match limit stops the runaway
        #expect(events.events.isEmpty)
        #expect(classifier.counters.limitHits == [1])
    }
}

import Foundation

@Suite struct PrefilterTests {
    @Test func aRuleIsTriedOnlyWhenItsRequiredLiteralIsThere() throws {
        let file = """
        programs: ["postfix*/smtp"]
        rules:
          - id: smtp.handoff
            event: flow.delivery
            pattern: '^%{QUEUEID}: to=<(?<recipient>[^<>]*)>.*status=(?<status>sent) .*queued as [0-9A-F]+\\)$'
            requires: ["queued as "]
            examples:
              - line: 'Oct 30 13:08:09 mx1 postfix/smtp[1]: 6E06752608: to=<a@example.com>, relay=x, status=sent (250 Ok: queued as ABC123)'
                fields: { queue_id: 6E06752608, status: sent }
        """
        let rules = try RuleSet(directory: writePack(["smtp.yaml": file]))
        #expect(RuleVerifier(rules: rules).verify().failures.map(\.description) == [])
        let symbols = SymbolTable()
        var classifier = Classifier(rules: rules, symbols: symbols)
        var parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
        let miss = RuleVerifier(rules: rules).explain(
            "Oct 30 13:08:09 mx1 postfix/smtp[1]: 6E06752608: to=<a@example.com>, relay=x, status=sent (250 Ok)",
            parser: &parser, classifier: &classifier)
        #expect(miss.ruleID == nil)
        // The prefilter kept PCRE2 from even trying the line without the literal.
        #expect(classifier.counters.tries == [0])
    }

    @Test func findLooksForTheWholeLiteral() {
        let hay = Array("queued aqueued as 12".utf8)
        let yes = Array("queued as ".utf8), no = Array("forwarded as ".utf8)
        hay.withUnsafeBufferPointer { h in
            yes.withUnsafeBufferPointer { #expect(Classifier.find($0, in: h.baseAddress!, h.count)) }
            no.withUnsafeBufferPointer { #expect(!Classifier.find($0, in: h.baseAddress!, h.count)) }
            // A literal that would run past the end is not found.
            Array("as 123".utf8).withUnsafeBufferPointer { #expect(!Classifier.find($0, in: h.baseAddress!, h.count)) }
        }
    }
}
