import Foundation
import Testing
@testable import Mailsla

/// Resource exhaustion and SYN floods. No corpus has these lines: all are
/// built from the upstream format strings (Postfix master_avail.c, Dovecot
/// service-monitor.c, Linux tcp_input.c, Postfix qmgr).
@Suite struct DetectResourceTests {
    /// Built: master warns at most once per service every 1000 s; two warnings are one episode.
    @Test func masterProcessLimitWarnings() throws {
        var log = BuiltLog()
        for t in [BuiltLog.at(10, 0), BuiltLog.at(10, 16, 40)] {
            log.add(t, "mx1 postfix/master[1201]: warning: service \"smtp\" (25) has reached its process limit \"100\": new clients may experience noticeable delays")
            log.add(t, "mx1 postfix/master[1201]: warning: to avoid this condition, increase the process count in master.cf or reduce the service time per client")
        }
        let result = detect(log.lines)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.kind == .resourceExhaustion)
        #expect(e.start == BuiltLog.micros(BuiltLog.at(10, 0)))
        #expect(e.end == BuiltLog.micros(BuiltLog.at(10, 16, 40)))
        #expect(e.topOffenders == [Offender(key: "smtp", type: "service", count: 2)])
        #expect(e.evidence == [EvidenceCount(kind: "dos.process_limit", count: 2)])
    }

    /// Built: Dovecot drops login connections for five minutes, and the deferred
    /// queue grows: one resource-exhaustion episode naming both.
    @Test func dovecotLimitsAndQueuePressure() throws {
        var log = BuiltLog()
        for i in 0..<5 {
            log.add(BuiltLog.at(5, 8) + Int64(i) * 60,
                    "mx1 dovecot: master: Warning: service(imap-login): process_limit (100) reached, client connections are being dropped")
        }
        log.add(BuiltLog.at(5, 10), "mx1 postfix/qmgr[3066]: warning: lots of deferred mail, that is bad for performance")
        let e = try #require(detect(log.lines).episodes.first)
        #expect(e.kind == .resourceExhaustion)
        #expect(e.topOffenders.map(\.key) == ["imap-login process_limit", "lots of deferred mail"])
        #expect(offBy(e.end, BuiltLog.at(5, 12)) == 0)
    }

    /// Built: a SYN flood on port 25 from 10:00 to 10:10 (older kernels repeat the
    /// line); a second one two hours later is a second episode. A process-limit
    /// warning during the first is a separate kind.
    @Test func synFloods() throws {
        var log = BuiltLog()
        for start in [BuiltLog.at(10, 0), BuiltLog.at(12, 0)] {
            for i in 0...20 {
                log.add(start + Int64(i) * 30,
                        "mx1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 25. Sending cookies.  Check SNMP counters.")
            }
        }
        log.add(BuiltLog.at(10, 5), "mx1 postfix/master[1201]: warning: service \"smtp\" (25) has reached its process limit \"100\": new clients may experience noticeable delays")
        let result = detect(log.lines)
        #expect(result.episodes.map(\.kind) == [.synFlood, .resourceExhaustion, .synFlood])
        #expect(result.episodes.map(\.id) == ["E1", "E2", "E3"])
        let first = result.episodes[0]
        #expect(first.start == BuiltLog.micros(BuiltLog.at(10, 0)))
        #expect(first.end == BuiltLog.micros(BuiltLog.at(10, 10)))
        #expect(first.topOffenders == [Offender(key: "port 25", type: "port", count: 21)])
        #expect(result.episodes[2].start == BuiltLog.micros(BuiltLog.at(12, 0)))
    }

    /// Built: two hosts in one log: each host has its own episode.
    @Test func episodesArePerHost() {
        var log = BuiltLog()
        log.add(BuiltLog.at(10, 0), "mx1 kernel: possible SYN flooding on port 25. Sending cookies.")
        log.add(BuiltLog.at(10, 0), "mx2 kernel: possible SYN flooding on port 25. Sending cookies.")
        let result = detect(log.lines)
        #expect(result.episodes.map(\.host) == ["mx1", "mx2"])
    }
}
