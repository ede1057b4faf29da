import Foundation
import Testing
@testable import MailslaRules

// crowdsec's hub tests assert, per parsed line, what its s01-parse parsers
// extracted (`results["s01-parse"]["<parser>"][i].Evt.Meta["k"] == "v"`).
// We check the keys that have an equivalent in our events; the others
// (datasource, machine, timestamps, crowdsec's own labels) are not ours.
//
// Equivalences (crowdsec key → our event):
// - `Success == true`              → the line is classified
// - Meta `source_ip`, Parsed `remote_addr`, `dovecot_remote_ip` → `client_ip`
// - Parsed `remote_host`           → `client_host`
// - Meta `action` = reject         → a refusal kind (flow.reject, flow.milter_reject, flow.proxy_reject)
// - Meta `reason` (reply text)     → our `reason` equals the label our reject_reason map gives that text
// - Meta `log_type_enh` = spam-attempt     → auth.failure (crowdsec's name for SASL guessing)
// - Meta `log_type_enh` = non-smtp-command → attack.protocol_violation
// - Meta `dovecot_login_result` = auth_failed → auth.failure; for a dovecot
//   line without it (crowdsec saw no failure) we must not emit auth.failure
// - Parsed `dovecot_user`, `dovecot_local_ip`, `dovecot_user_backend`, `protocol`
//                                  → `user`, `server_ip`, `passdb`, `service`
// - Meta `pregreet`                → attack.pregreet; Parsed `count`, `port`,
//   `time_attempt`                 → `size`, `client_port`, `elapsed`
// - amavis: Meta `amavis_category` → `verdict` (through our verdict map),
//   Parsed `amavis_action`, `amavis_id`, `amavis_from`, `amavis_to`,
//   `amavis_size`, `src_port`      → `filter_action`, `amavis_id`, `sender`,
//   `recipient`, `size`, `client_port`
// exim and mailscanner folders are left out: not part of the stack we classify.
@Suite struct CorpusAgreementCrowdsecTests {
    static let folders = ["postfix-logs", "postscreen-logs", "dovecot-logs", "amavis-logs",
                          "dovecot-slow-bf", "dovecot-slow-bf-no-overlap", "dovecot-slow-bf-user-enum",
                          "dovecot-time-based-bf", "dovecot-time-based-bf-user-enum"]

    /// One s01-parse result: its index and the asserted keys ("Meta.k", "Parsed.k", "Success").
    struct Expectation {
        var parser: String
        var index: Int
        var values: [String: String] = [:]
    }

    /// Reads `results["s01-parse"]["P"][i].X == "v"` lines.
    static func expectations(_ folder: String) throws -> [Expectation] {
        let pattern = try NSRegularExpression(pattern:
            #"^results\["s01-parse"\]\["([^"]+)"\]\[(\d+)\]\.(Success|Evt\.(Meta|Parsed)\["([^"]+)"\]) == (true|false|"(.*)")$"#)
        var byKey: [String: Expectation] = [:]
        for line in try AgreementCorpus.lines("crowdsec-hub/.tests/\(folder)/parser.assert") {
            let ns = line as NSString
            guard let m = pattern.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) else { continue }
            func group(_ i: Int) -> String? {
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
            let parser = group(1)!, index = Int(group(2)!)!
            let key = group(3) == "Success" ? "Success" : "\(group(4)!).\(group(5)!)"
            let value = group(7).map { unquoteGo(Substring($0)) } ?? group(6)!
            byKey["\(parser)#\(index)", default: Expectation(parser: parser, index: index)].values[key] = value
        }
        return byKey.values.sorted { ($0.parser, $0.index) < ($1.parser, $1.index) }
    }

    static let refusals: Set<String> = ["flow.reject", "flow.milter_reject", "flow.proxy_reject"]

    static func agreement() throws -> AgreementTally {
        var tally = AgreementTally("crowdsec")
        for folder in folders {
            guard let logName = try AgreementCorpus.files(in: "crowdsec-hub/.tests/\(folder)", suffix: ".log").first else {
                throw AgreementCorpus.CorpusMissing(path: AgreementCorpus.url("crowdsec-hub/.tests/\(folder)/*.log").path)
            }
            let logLines = try AgreementCorpus.lines(logName).filter { !$0.isEmpty }
            for e in try expectations(folder) where e.parser.hasPrefix("crowdsecurity/") {
                // The result's message is the line's text after the syslog header;
                // results that do not repeat it follow the log's order.
                let message = e.values["Parsed.message"]
                guard let line = message.map({ m in logLines.first { $0.hasSuffix(m) } })
                        ?? (e.index < logLines.count ? logLines[e.index] : nil) else {
                    Issue.record("\(folder) \(e.parser)[\(e.index)]: no log line for the asserted message")
                    continue
                }
                let c = classify(line)
                let at = "\(folder)#\(e.index)"
                func same(_ key: String, _ field: String, _ transform: (String) -> String = { $0 }) {
                    guard let want = e.values[key] else { return }
                    tally.check("\(at) \(key)", RuleVerifier.same(c[field], transform(want)), "\(key)=\(want) but \(field)=\(c[field] ?? "nothing"): \(c)")
                }
                if e.values["Success"] == "true" { tally.check("\(at) Success", c.kind != nil, "unclassified: \(line)") }
                same("Meta.source_ip", "client_ip")
                same("Parsed.remote_addr", "client_ip")
                same("Parsed.dovecot_remote_ip", "client_ip")
                same("Parsed.remote_host", "client_host")
                if let action = e.values["Meta.action"] {
                    tally.check("\(at) Meta.action", action == "reject" && Self.refusals.contains(c.kind ?? ""), "action=\(action): \(c)")
                }
                same("Meta.reason", "reason") { mapLabel("reject_reason", $0) }
                switch e.values["Meta.log_type_enh"] {
                case "spam-attempt"?: tally.check("\(at) Meta.log_type_enh", c.kind == "auth.failure", "spam-attempt: \(c)")
                case "non-smtp-command"?: tally.check("\(at) Meta.log_type_enh", c.kind == "attack.protocol_violation", "non-smtp-command: \(c)")
                case let other?: Issue.record("\(at): unknown log_type_enh \(other)")
                case nil: break
                }
                if e.parser == "crowdsecurity/dovecot-logs" {
                    let failed = e.values["Meta.dovecot_login_result"] == "auth_failed"
                    tally.check("\(at) Meta.dovecot_login_result", failed == (c.kind == "auth.failure"),
                                "\(failed ? "auth_failed" : "no result") but \(c)")
                }
                same("Parsed.dovecot_user", "user")
                same("Parsed.dovecot_local_ip", "server_ip")
                same("Parsed.dovecot_user_backend", "passdb")
                same("Parsed.protocol", "service")
                if e.values["Meta.pregreet"] != nil {
                    tally.check("\(at) Meta.pregreet", c.kind == "attack.pregreet", "PREGREET: \(c)")
                    same("Parsed.count", "size")
                    same("Parsed.port", "client_port")
                    same("Parsed.time_attempt", "elapsed")
                }
                same("Meta.amavis_category", "verdict") { mapLabel("verdict", $0) }
                same("Parsed.amavis_action", "filter_action")
                same("Parsed.amavis_id", "amavis_id")
                same("Parsed.amavis_from", "sender")
                same("Parsed.amavis_to", "recipient")
                same("Parsed.amavis_size", "size")
                same("Parsed.src_port", "client_port")
            }
        }
        return tally
    }

    /// Disagreements kept on purpose, with the reason.
    static let kept: [String: String] = [:] // none

    @Test func crowdsecParserAssertionsAgree() throws {
        let tally = try Self.agreement()
        print(tally.summary)
        let (new, gone) = tally.unexpected(kept: Self.kept)
        #expect(new == [], "disagreements not on the kept list")
        #expect(gone == [], "kept disagreements that no longer occur")
        #expect(tally.checked == 287 && tally.agreed == 287) // 100 %
    }
}
