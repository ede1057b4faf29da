import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectAuthTests {
    /// Built: a fast SASL brute force, 40 failures in two minutes.
    @Test func aFastSASLBruteForceIsOneEpisode() throws {
        var log = BuiltLog()
        for i in 0..<40 {
            log.add(BuiltLog.at(3, 0) + Int64(i) * 3,
                    "mx1 postfix/smtpd[26897]: warning: unknown[203.0.113.42]: SASL LOGIN authentication failed: authentication failure, sasl_username=admin\(i % 4)@example.com")
        }
        let result = detect(log.lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.kind == .authBruteforce)
        #expect(e.topOffenders == [Offender(key: "203.0.113.42", type: "ip", count: 40)])
        #expect(e.targets.count == 4 && e.targets.allSatisfy { $0.count == 10 && $0.type == "user" })
        #expect(e.evidence == [EvidenceCount(kind: "auth.failure", count: 40)])
        #expect(offBy(e.start, BuiltLog.at(3, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(3, 1, 57)) <= 60)
    }

    /// crowdsec's postfix-spam bans at more than 5 failures per address (leaking
    /// one per 10 s); an episode excuses downtime, so it asks for more: 10 failed
    /// logins from one address within 12 hours (or 15 attempts in 5 minutes).
    /// Real lines: crowdsec's sample (4 SASL failures and 2 rejects in 4 s) is
    /// below it. Built: 10 failures one second apart open an episode, 9 do not.
    @Test func crowdsecPostfixSpamSampleIsBelowAnEpisode() throws {
        let sample = try corpusText("crowdsec-hub/.tests/postfix-spam/postfix-spam.log")
            .split(separator: "\n").map(String.init)
        #expect(detect(sample).episodes.isEmpty)
        func failures(_ n: Int) -> [String] {
            var log = BuiltLog()
            for i in 0..<n {
                log.add(BuiltLog.at(4, 2) + Int64(i),
                        "host1 postfix/smtpd[26897]: warning: unknown[203.0.113.43]: SASL LOGIN authentication failed: authentication failure")
            }
            return log.lines
        }
        let ten = detect(failures(10)).episodes
        #expect(ten.count == 1)
        #expect(ten.first?.openedBy.hasPrefix("client (slow) 203.0.113.43 reached 10 events") == true)
        #expect(detect(failures(9)).episodes.isEmpty)
    }

    /// Real lines: crowdsec's dovecot-spam test log (their scenario bans at 3 in
    /// 6 minutes). 172.17.0.1 fails 6 attempts in four login sessions within two
    /// minutes: counted as 6, below an episode. 1.1.1.1's two passdb failures and
    /// its two login summaries are the same two attempts, counted once.
    @Test func crowdsecDovecotSpamCountsAttemptsOnce() throws {
        let lines = try corpusText("crowdsec-hub/.tests/dovecot-spam/dovecot-spam.log")
            .split(separator: "\n").map(String.init)
        let (result, detectors) = detectWithStage(lines)
        #expect(result.episodes.isEmpty)
        func total(_ address: String, family: Int) throws -> Int32 {
            let table = detectors.authBruteforce.tables[family]
            let ip = try #require(IPAddress(address))
            let slot = try #require(table.slots.indices.first {
                table.slots[$0].key.hi == ip.hi && table.slots[$0].key.lo == ip.lo
            })
            return table.slots[slot].total
        }
        #expect(try total("172.17.0.1", family: 0) == 6, "attempts in the fast window")
        #expect(try total("172.17.0.1", family: 1) == 4, "sessions in the slow window")
        #expect(try total("1.1.1.1", family: 0) == 2)
        #expect(try total("1.1.1.1", family: 1) == 2)
    }

    /// Real lines from crowdsec's dovecot-slow-bf test (one failure every 10 minutes
    /// from 08:00), continued by built lines of the same shape every 20 minutes
    /// until 13:00: a slow brute force over hours, found as one episode.
    @Test func aSlowBruteForceOverHoursIsDetected() throws {
        var lines = try corpusText("crowdsec-hub/.tests/dovecot-slow-bf/dovecot-slow-bf.log")
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        var minute = 40
        var hour = 8
        while hour < 13 || (hour == 13 && minute == 0) {
            // built
            lines.append(String(format: "Jan 15 %02d:%02d:00 server dovecot: imap-login: Disconnected (auth failed, 1 attempts): user=<admin@example.com>, method=PLAIN, rip=192.0.2.1, lip=10.0.0.1, TLS, session=<b%02d%02d>", hour, minute, hour, minute))
            minute += 20
            if minute >= 60 { minute -= 60; hour += 1 }
        }
        let result = detect(lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.kind == .authBruteforce)
        #expect(e.topOffenders.first?.key == "192.0.2.1")
        #expect(e.openedBy.contains("client (slow) 192.0.2.1 reached 10 events"))
        // 2026-01-15 08:00 and 13:00 UTC
        let day = Int64(1_768_435_200)
        #expect(e.start == (day + 8 * 3600) * 1_000_000)
        #expect(e.end == (day + 13 * 3600) * 1_000_000)
        #expect(e.targets.first?.key == "admin@example.com")
    }

    /// Built: a failure every 30 minutes for three hours is a stale password, not
    /// an attack, and stays below the slow threshold (10 sessions in 12 hours).
    @Test func aStalePasswordEveryHalfHourForThreeHoursIsNoAttack() {
        var log = BuiltLog()
        for i in 0..<7 {
            log.add(BuiltLog.at(9, 0) + Int64(i) * 1800,
                    "mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<alice@example.com>, method=PLAIN, rip=198.51.100.77, lip=198.51.100.1, TLS, session=<s\(i)>")
        }
        #expect(detect(log.lines).episodes.isEmpty)
    }

    /// Built: one account attacked from 40 addresses, each failing once: the user key opens.
    @Test func aDistributedAttackOnOneUserOpensOnTheUser() throws {
        var log = BuiltLog()
        for i in 0..<40 {
            log.add(BuiltLog.at(2, 0) + Int64(i) * 5,
                    "mx1 dovecot: auth: sql(ceo@example.com,203.0.113.\(i + 1),<s\(i)>): Password mismatch")
        }
        let e = try #require(detect(log.lines).episodes.first)
        #expect(e.kind == .authBruteforce)
        #expect(e.openedBy.contains("user ceo@example.com"))
        #expect(e.targets == [Offender(key: "ceo@example.com", type: "user", count: 40)])
        #expect(e.topOffenders.count == 10)
    }

    /// Built: Dovecot as Postfix's SASL backend logs each attempt in its auth
    /// process and Postfix logs it again: one failure, not two.
    @Test func dovecotSASLBackendAndPostfixCountOnce() throws {
        var log = BuiltLog()
        for i in 0..<20 {
            let t = BuiltLog.at(5, 0) + Int64(i) * 10
            log.add(t, "mx1 dovecot: auth: sql(bob@example.com,203.0.113.44,<s\(i)>): Password mismatch")
            log.add(t + 1, "mx1 postfix/submission/smtpd[4711]: warning: unknown[203.0.113.44]: SASL PLAIN authentication failed: UGFzc3dvcmQ6")
        }
        let e = try #require(detect(log.lines).episodes.first)
        #expect(e.topOffenders == [Offender(key: "203.0.113.44", type: "ip", count: 20)])
    }
}
