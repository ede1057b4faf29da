import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectConnFloodTests {
    /// Built: a postscreen bot from 10:00 to 10:20, beside a partner MTA and a monitor.
    @Test func aPostscreenBurstIsOneEpisodeWithItsStartAndEnd() throws {
        var log = BuiltLog()
        log.session("mail.example.net", "192.0.2.20", from: BuiltLog.at(9, 0), to: BuiltLog.at(11, 0), every: 30)
        log.session("monitor.example.net", "192.0.2.99", from: BuiltLog.at(9, 0), to: BuiltLog.at(11, 0), every: 60)
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 0), to: BuiltLog.at(10, 20), every: 2)
        let result = detect(log.lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.id == "E1" && e.kind == .connFlood && e.host == "mx1")
        #expect(offBy(e.start, BuiltLog.at(10, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(10, 20)) <= 60)
        #expect(e.topOffenders.first?.key == "203.0.113.7")
        #expect(e.topOffenders.count == 1, "the partner and the monitor are no offenders")
        // Every evidence event of the bot, from its first connection on.
        let connections = 20 * 60 / 2 + 1
        #expect(e.evidence == [EvidenceCount(kind: "attack.dnsbl", count: connections),
                               EvidenceCount(kind: "attack.hangup", count: connections),
                               EvidenceCount(kind: "attack.pregreet", count: connections),
                               EvidenceCount(kind: "screen.connect", count: connections)])
        #expect(e.minutes.count >= 20 && e.minutes.count <= 22)
        #expect(e.openedBy.contains("203.0.113.7"))
    }

    /// Built: the bot pauses for two minutes in the middle; hysteresis keeps it one episode.
    /// Half an hour later it comes back: a second episode.
    @Test func aBriefDipStaysOneEpisodeALongPauseMakesTwo() {
        var log = BuiltLog()
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 0), to: BuiltLog.at(10, 10), every: 2)
        // The dip: a trickle below the close level (one connection a minute).
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 10, 30), to: BuiltLog.at(10, 12), every: 60)
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 12, 30), to: BuiltLog.at(10, 20), every: 2)
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(10, 50), to: BuiltLog.at(11, 0), every: 2)
        let result = detect(log.lines)
        #expect(result.episodes.count == 2)
        guard result.episodes.count == 2 else { return }
        #expect(offBy(result.episodes[0].start, BuiltLog.at(10, 0)) <= 60)
        #expect(offBy(result.episodes[0].end, BuiltLog.at(10, 20)) <= 60)
        #expect(offBy(result.episodes[1].start, BuiltLog.at(10, 50)) <= 60)
        #expect(offBy(result.episodes[1].end, BuiltLog.at(11, 0)) <= 60)
        #expect(result.episodes.map(\.id) == ["E1", "E2"])
    }

    /// Built: a botnet rotates through a /24, each address connecting a few times:
    /// no address crosses its own threshold, the network does.
    @Test func aRotatingNetworkOpensOnItsPrefix() throws {
        var log = BuiltLog()
        for i in 0..<60 {
            let start = BuiltLog.at(10, 0) + Int64(i) * 10
            log.postscreenBot("198.51.100.\(i + 1)", from: start, to: start + 40, every: 8)
        }
        let result = detect(log.lines)
        let e = try #require(result.episodes.first)
        #expect(result.episodes.count == 1)
        #expect(e.openedBy.contains("network 198.51.100.0/24"))
        #expect(e.topOffenders.count == 10)
        #expect(e.topOffenders.allSatisfy { $0.key.hasPrefix("198.51.100.") && $0.type == "ip" })
        #expect(offBy(e.start, BuiltLog.at(10, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(10, 10, 30)) <= 60)
    }

    /// Built: an IPv6 botnet inside one /64.
    @Test func anIPv6NetworkIsASlash64() throws {
        var log = BuiltLog()
        for i in 0..<40 {
            let start = BuiltLog.at(10, 0) + Int64(i) * 5
            log.postscreenBot("2001:db8:0:7::\(String(i + 1, radix: 16))", from: start, to: start + 20, every: 5)
        }
        let e = try #require(detect(log.lines).episodes.first)
        #expect(e.openedBy.contains("network 2001:db8:0:7::/64"))
        #expect(e.topOffenders.first?.key.hasPrefix("2001:db8:0:7::") == true)
    }

    /// Built: postscreen refuses connections because every smtpd is busy: a server-wide flood.
    @Test func allServerPortsBusyIsAServerWideFlood() throws {
        var log = BuiltLog()
        for i in 0..<20 {
            log.add(BuiltLog.at(10, 0) + Int64(i) * 15,
                    "mx1 postfix/postscreen[3107]: NOQUEUE: reject: CONNECT from [192.0.2.\(i + 1)]:1337: all server ports busy")
        }
        let result = detect(log.lines)
        let e = try #require(result.episodes.first)
        #expect(result.episodes.count == 1 && e.kind == .connFlood)
        #expect(e.evidence == [EvidenceCount(kind: "dos.process_limit", count: 20)])
        #expect(e.openedBy.contains("refused connections on the host"))
        #expect(offBy(e.start, BuiltLog.at(10, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(10, 4, 45)) <= 60)
    }

    /// Real lines: fail2ban's postfix `ddos` mode marks which aborted sessions
    /// are flood evidence (`# failJSON … "match": true`) and which are lawful
    /// (`lost connection after DATA`). Each line, repeated 80 times in a minute
    /// from its own address, makes a flood exactly when fail2ban counts it —
    /// except two lines we count differently, for the reasons given.
    @Test func fail2banDDoSAnnotationsDecideWhatIsFloodEvidence() throws {
        let text = try corpusText("fail2ban/fail2ban/tests/files/logs/postfix")
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(all.firstIndex { $0.contains("Test-cases of postfix DDOS mode") })
        var cases: [(line: String, match: Bool)] = []
        var expectation: Bool?
        for line in all[start...] {
            if line.hasPrefix("# failJSON:") {
                expectation = line.contains("\"match\": true")
            } else if !line.hasPrefix("#"), !line.isEmpty, let match = expectation {
                cases.append((line, match))
                expectation = nil
            }
        }
        #expect(cases.count >= 14)
        // The SASL failure in smtpd's disconnect counters is auth evidence, not a
        // flood; we count `lost connection after AUTH` instead of that disconnect.
        let differ = ["disconnect from unknown[192.0.2.", "lost connection after AUTH"]
        for (line, match) in cases {
            // The message after the syslog header, replayed 80 times today.
            let parts = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
            let message = "mx1 " + parts[parts.count - 1]
            var log = BuiltLog()
            for i in 0..<80 { log.add(BuiltLog.at(10, 0) + Int64(i) * 3 / 4, message) }
            let flood = !detect(log.lines).episodes.isEmpty
            let expected = differ.contains { line.contains($0) } ? !match : match
            #expect(flood == expected, "\(line)")
        }
    }

    /// Real day: pixelpark's 2023-03-14 postscreen waves. The big one (05:01 to
    /// about 05:21 local, 04:01–04:21 UTC) rotates through several /24s of two
    /// providers; it must be one episode with many offenders, and nothing but
    /// connection floods may appear.
    @Test func pixelparkPostscreenWaves() throws {
        let lines = try corpusText("pixelpark-postfix-logsums/test/mail-2023-03-14.log.xz")
            .split(separator: "\n").map(String.init)
        let result = detect(lines, year: 2023)
        #expect(result.episodes.allSatisfy { $0.kind == .connFlood })
        let day = Int64(1_678_752_000)  // 2023-03-14T00:00:00Z
        func utc(_ h: Int64, _ m: Int64) -> Int64 { (day + h * 3600 + m * 60) * 1_000_000 }
        let wave = result.episodes.filter { $0.start < utc(4, 15) && $0.end > utc(4, 5) }
        #expect(wave.count == 1)
        let e = try #require(wave.first)
        #expect(e.start >= utc(4, 0) && e.start <= utc(4, 3))
        #expect(e.end >= utc(4, 19) && e.end <= utc(4, 23))
        #expect(e.hotKeys >= 20)
        #expect(e.topOffenders.count == 10)
        #expect(e.totalEvidence > 3000)
        // The 17:32–17:36 local hammering by one address is its own episode.
        let single = result.episodes.filter { $0.topOffenders.first?.key == "156.96.56.72" }
        #expect(single.count == 1)
        #expect(result.stats.evictedKeys == 0)
        // Ids follow start order.
        #expect(result.episodes.map(\.id) == (1...result.episodes.count).map { "E\($0)" })
        #expect(zip(result.episodes, result.episodes.dropFirst()).allSatisfy { $0.start <= $1.start })
    }
}
