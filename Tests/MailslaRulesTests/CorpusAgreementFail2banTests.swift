import Foundation
import Testing
@testable import MailslaRules

// fail2ban's own test logs put `# failJSON: {...}` before every line: must
// its filter match the line (an offence), and which host does it ban. The
// `# filterOptions: [...]` lines switch the filter mode for the lines that
// follow; an expectation holds in every mode of the current block.
//
// What counts as an offence for us, per fail2ban mode (fail2ban's modes
// select message families; we select event kinds):
//
// postfix (filter.d/postfix.conf):
// - `{}` (fail2ban's default, "more"), `normal`: a refusal of the client
//   by Postfix: `flow.reject`, `flow.milter_reject`, a protocol violation
//   (`attack.protocol_violation`: improper pipelining, non-SMTP command)
//   and `attack.too_many_errors`.
// - `rbl`: `flow.reject` whose reason label is `rbl`.
// - `auth`: `auth.failure` except reason `bad_mechanism` (a client that
//   picks a mechanism we do not offer is not guessing passwords).
//   A lost SASL backend is `fault.auth_backend`, never an offence.
// - `errors`: `attack.too_many_errors` only.
// - `ddos`: the flood shapes: `attack.pregreet`, `attack.hangup`,
//   `attack.command_limit`, `attack.rate_limit`, `attack.lost_connection`
//   except after DATA, BDAT or END-OF-MESSAGE (sporadic lawful aborts in
//   the data phase) and after AUTH (the `disconnect` line that follows
//   carries the failed AUTH; counting both would count one session twice),
//   and `smtp.disconnect` with failed AUTH and none that succeeded
//   (`auth=0/N`, the same condition as fail2ban's).
// - `aggressive`: all of the above, `auth.failure` with any reason, and
//   `smtp.hostname_mismatch` (a forward-confirmed reverse DNS failure is
//   weak evidence on its own: only this mode takes it).
//
// dovecot (filter.d/dovecot.conf):
// - `{}`, `normal`: `auth.failure` (login processes, passdb, PAM).
// - `aggressive`: also `login.aborted` (no auth attempts, TLS handshake
//   failures, clients that leave during SASL) and `attack.too_many_errors`.
//
// An offence must carry the banned host as `client_ip`; a `"match": false`
// line must produce no offence at all in that mode.
@Suite struct CorpusAgreementFail2banTests {
    static let postfixFile = "fail2ban/fail2ban/tests/files/logs/postfix"
    static let dovecotFile = "fail2ban/fail2ban/tests/files/logs/dovecot"

    static func postfixOffence(mode: String, _ c: Classified) -> Bool {
        guard let kind = c.kind else { return false }
        let normal = ["flow.reject", "flow.milter_reject", "attack.protocol_violation", "attack.too_many_errors"].contains(kind)
        let rbl = kind == "flow.reject" && c["reason"] == "rbl"
        let auth = kind == "auth.failure" && c["reason"] != "bad_mechanism"
        let errors = kind == "attack.too_many_errors"
        let ddos: Bool = {
            switch kind {
            case "attack.pregreet", "attack.hangup", "attack.command_limit", "attack.rate_limit": return true
            case "attack.lost_connection": return !["DATA", "BDAT", "END-OF-MESSAGE", "AUTH"].contains(c["stage"] ?? "")
            case "smtp.disconnect": return c["auth_ok"] == "0" && Int(c["auth_total"] ?? "0")! > 0
            default: return false
            }
        }()
        switch mode {
        case "", "normal", "more": return normal
        case "rbl": return rbl
        case "auth": return auth
        case "errors": return errors
        case "ddos": return ddos
        case "aggressive": return normal || rbl || auth || errors || ddos || kind == "auth.failure" || kind == "smtp.hostname_mismatch"
        default: Issue.record("unknown postfix filter mode \(mode)"); return false
        }
    }

    static func dovecotOffence(mode: String, _ c: Classified) -> Bool {
        guard let kind = c.kind else { return false }
        switch mode {
        case "", "normal": return kind == "auth.failure"
        case "aggressive": return ["auth.failure", "login.aborted", "attack.too_many_errors"].contains(kind)
        default: Issue.record("unknown dovecot filter mode \(mode)"); return false
        }
    }

    /// Reads a fail2ban test log and checks every (line, mode) pair.
    static func agreement(_ file: String, offence: (String, Classified) -> Bool) throws -> AgreementTally {
        var tally = AgreementTally(file.split(separator: "/").last.map(String.init) ?? file)
        var modes = [""]
        var pending: [String: Any]?
        for (index, line) in try AgreementCorpus.lines(file).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                if body.hasPrefix("filterOptions:") {
                    let json = body.dropFirst("filterOptions:".count)
                    let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
                    let options = (value as? [[String: Any]]) ?? [(value as? [String: Any]) ?? [:]]
                    modes = options.map { ($0["mode"] as? String) ?? "" }
                } else if body.hasPrefix("failJSON:") {
                    let json = body.dropFirst("failJSON:".count)
                    pending = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                }
                continue
            }
            guard !trimmed.isEmpty, let expectation = pending else { continue }
            pending = nil
            let c = classify(line)
            let mustMatch = expectation["match"] as? Bool ?? false
            let host = expectation["host"] as? String
            for mode in modes {
                let key = "\(tally.source):\(index + 1) \(mode.isEmpty ? "{}" : mode)"
                let isOffence = offence(mode, c)
                if mustMatch {
                    let hostOK = host == nil || c["client_ip"] == host
                    tally.check(key, isOffence && hostOK,
                                "expected an offence from \(host ?? "-"), got \(c)")
                } else {
                    tally.check(key, !isOffence, "expected no offence, got \(c)")
                }
            }
        }
        return tally
    }

    /// Disagreements kept on purpose, with the reason.
    static let keptPostfix: [String: String] = [:]
    static let keptDovecot: [String: String] = [:]

    @Test func postfixAgreesWithFail2ban() throws {
        let tally = try Self.agreement(Self.postfixFile, offence: Self.postfixOffence)
        print(tally.summary)
        let (new, gone) = tally.unexpected(kept: Self.keptPostfix)
        #expect(new == [], "disagreements not on the kept list")
        #expect(gone == [], "kept disagreements that no longer occur")
        #expect(tally.checked == 152 && tally.agreed == 152) // 100 %
    }

    @Test func dovecotAgreesWithFail2ban() throws {
        let tally = try Self.agreement(Self.dovecotFile, offence: Self.dovecotOffence)
        print(tally.summary)
        let (new, gone) = tally.unexpected(kept: Self.keptDovecot)
        #expect(new == [], "disagreements not on the kept list")
        #expect(gone == [], "kept disagreements that no longer occur")
        #expect(tally.checked == 67 && tally.agreed == 67) // 100 %
    }
}
