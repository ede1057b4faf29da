import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectAllowListTests {
    /// Built: a monitor that connects every minute all day (postscreen and smtpd,
    /// and a session it drops after EHLO) is normal traffic, allow-listed or not.
    @Test func aMonitorEveryMinuteAllDayMakesNoEpisode() {
        var log = BuiltLog()
        var t = BuiltLog.at(0, 0)
        var port = 30000
        while t < BuiltLog.at(24, 0) {
            log.add(t, "mx1 postfix/postscreen[3107]: CONNECT from [192.0.2.99]:\(port) to [198.51.100.25]:25")
            log.add(t, "mx1 postfix/postscreen[3107]: PASS OLD [192.0.2.99]:\(port)")
            log.add(t, "mx1 postfix/smtpd[2975]: connect from monitor.example.net[192.0.2.99]")
            log.add(t + 1, "mx1 postfix/smtpd[2975]: lost connection after EHLO from monitor.example.net[192.0.2.99]")
            t += 60
            port += 1
        }
        #expect(detect(log.lines).episodes.isEmpty)
        var settings = DetectionSettings()
        settings.monitorAddresses = ["192.0.2.99"]
        let listed = detect(log.lines, settings: settings)
        #expect(listed.episodes.isEmpty)
        #expect(listed.stats.allowListed == 24 * 60 * 3)
    }

    /// Built: a flood from a trusted network, from the probe (IPv6) and a brute
    /// force from a monitoring host make no episode; the same from elsewhere does.
    @Test func allowListedClientsNeverMakeAnEpisode() {
        var log = BuiltLog()
        log.postscreenBot("192.0.2.77", from: BuiltLog.at(10, 0), to: BuiltLog.at(10, 20), every: 2)
        log.postscreenBot("2001:db8:5::53", from: BuiltLog.at(11, 0), to: BuiltLog.at(11, 20), every: 2)
        for i in 0..<50 {
            log.add(BuiltLog.at(12, 0) + Int64(i) * 10,
                    "mx1 postfix/smtpd[1]: warning: unknown[198.51.100.200]: SASL LOGIN authentication failed: authentication failure, sasl_username=probe")
        }
        #expect(detect(log.lines).episodes.map(\.kind) == [.connFlood, .connFlood, .authBruteforce])
        var settings = DetectionSettings()
        settings.trustedNetworks = ["192.0.2.0/24"]
        settings.probeAddresses = ["2001:db8:5::/48"]
        settings.monitorAddresses = ["198.51.100.200"]
        let result = detect(log.lines, settings: settings)
        #expect(result.episodes.isEmpty)
        #expect(result.stats.allowListed == 601 * 4 * 2 + 50)
        #expect(result.stats.invalidAllowListEntries.isEmpty)
    }

    /// Built: the probe's test mailbox receives a message every 10 s: allowed by name.
    @Test func theProbeMailboxIsAllowedByName() {
        var log = BuiltLog()
        for i in 0..<200 {
            log.message(qid(i), at: BuiltLog.at(8, 0) + Int64(i) * 10, from: "probe@example.net", to: ["Probe@Example.com"])
        }
        #expect(detect(log.lines).episodes.map(\.kind) == [.mailbomb])
        var settings = DetectionSettings()
        settings.allowedNames = ["probe@example.com"]
        #expect(detect(log.lines, settings: settings).episodes.isEmpty)
    }

    /// Built: a content-filter address configured for the flow is trusted too.
    @Test func filterAddressesAreTrusted() {
        var log = BuiltLog()
        var t = BuiltLog.at(9, 0)
        while t < BuiltLog.at(9, 10) {
            log.add(t, "mx1 postfix/10025/smtpd[3026]: connect from filter.example.net[192.0.2.250]")
            log.add(t, "mx1 postfix/10025/smtpd[3026]: connect from filter.example.net[192.0.2.250]")
            t += 1
        }
        #expect(detect(log.lines).episodes.count == 1)
        var flow = FlowSettings()
        flow.filterAddresses = ["192.0.2.250"]
        #expect(detect(log.lines, flow: flow).episodes.isEmpty)
    }

    @Test func invalidEntriesAreReported() {
        var settings = DetectionSettings()
        settings.trustedNetworks = ["192.0.2.0/24", "192.0.2.0/33", "mail.example.net"]
        let result = detect([], settings: settings)
        #expect(result.stats.invalidAllowListEntries == ["192.0.2.0/33", "mail.example.net"])
    }

    @Test func addressesAndNetworks() throws {
        for text in ["192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::1", "fe80::", "2001:db8:0:7::28",
                     "2001:db8:1:2:3:4:5:6", "1:0:0:2::3"] {
            #expect(IPAddress(text)?.description == text)
        }
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:192.0.2.5")?.description == "192.0.2.5")
        #expect(IPAddress("2001:db8::192.0.2.5")?.description == "2001:db8::c000:205")
        for bad in ["", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1::2::3", ":1", "1:", "12345::", "1.2.3.4a",
                    "1:2:3:4:5:6:7:8:9", "g::1"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        let v4 = try #require(IPNetwork("198.51.100.0/24"))
        #expect(v4.contains(IPAddress("198.51.100.200")!) && !v4.contains(IPAddress("198.51.101.1")!))
        #expect(v4.description == "198.51.100.0/24")
        let v6 = try #require(IPNetwork("2001:db8:5::/48"))
        #expect(v6.contains(IPAddress("2001:db8:5:ffff::1")!) && !v6.contains(IPAddress("2001:db8:6::1")!))
        #expect(!v6.contains(IPAddress("198.51.100.1")!) && !v4.contains(IPAddress("2001:db8::1")!))
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("203.0.113.1")!))
        #expect(IPNetwork("192.0.2.9")!.contains(IPAddress("192.0.2.9")!))
    }
}

@Suite struct DetectLoopbackTests {
    /// Built: a flood from 127.0.0.1 is trusted by default, and an episode once
    /// `trust_loopback` is off (scripts/e2e floods Postfix from the loopback).
    @Test func aLoopbackFloodCountsOnlyWhenLoopbackIsNotTrusted() {
        var log = BuiltLog()
        log.postscreenBot("127.0.0.1", from: BuiltLog.at(10, 0), to: BuiltLog.at(10, 20), every: 2)
        let trusted = detect(log.lines)
        #expect(trusted.episodes.isEmpty)
        #expect(trusted.stats.allowListed > 0)
        var settings = DetectionSettings()
        settings.trustLoopback = false
        let result = detect(log.lines, settings: settings)
        #expect(result.episodes.map(\.kind) == [.connFlood])
        #expect(result.episodes.first?.topOffenders.first?.key == "127.0.0.1")
    }
}
