import Foundation
import Testing
@testable import Mailsla

@Suite struct DetectBoundsTests {
    /// A table never holds more than its capacity; what it drops is counted.
    @Test func windowTableStaysBoundedUnderRotation() throws {
        var table = WindowTable(threshold: DetectionSettings().connPerClient, capacity: 1000)
        let t0 = BuiltLog.micros(0)
        // 100,000 keys inside one window: the quietest are evicted, none expire.
        for i in 0..<100_000 {
            let key = DetectKey(host: 2, family: 0, hi: 0, lo: UInt64(i))
            let slot = table.slot(key, now: t0)
            let s = try #require(slot)
            table.add(s, at: t0 + Int64(i), weight: i % 100 == 0 ? 5 : 1)
        }
        #expect(table.count <= 1000)
        #expect(table.slots.count <= 1000)
        #expect(table.evicted + table.expired == 100_000 - table.count)
        #expect(table.evicted > 0)
        // The heavy keys survived eviction longer than the light ones.
        let heavy = table.slots.indices.filter { table.find(table.slots[$0].key) == Int32($0) && table.slots[$0].total == 5 }.count
        #expect(heavy * 2 > table.count / 100)
        // Later, keys whose windows emptied expire instead of being evicted.
        let evicted = table.evicted
        for i in 0..<5000 {
            let key = DetectKey(host: 2, family: 0, hi: 1, lo: UInt64(i))
            let slot = table.slot(key, now: t0 + 600_000_000 + Int64(i) * 60_000_000)
            let s = try #require(slot)
            table.add(s, at: t0 + 600_000_000 + Int64(i) * 60_000_000, weight: 1)
        }
        #expect(table.count <= 1000)
        #expect(table.evicted == evicted)
    }

    /// Built: 30,000 bots, each in its own network, each hitting postscreen once
    /// in ten minutes. The client table stays within its bound (evictions are
    /// counted) and the flood is still found, on the server-wide key.
    @Test func rotatingAddressesCostCountersNotMemory() throws {
        var log = BuiltLog()
        for i in 0..<30_000 {
            // Every bot in its own /64 of the IPv6 documentation prefix.
            let ip = "2001:db8:\(String(i / 256, radix: 16)):\(String(i % 256, radix: 16))::1"
            let t = BuiltLog.at(10, 0) + Int64(i) * 600 / 30_000
            log.add(t, "mx1 postfix/postscreen[3107]: PREGREET 14 after 0.4 from [\(ip)]:4000: EHLO ylmf-pc\\r\\n")
        }
        var settings = DetectionSettings()
        settings.maxClientKeys = 512
        settings.maxNameKeys = 512
        let (result, detectors) = detectWithStage(log.lines, settings: settings)
        for table in detectors.connFlood.tables {
            #expect(table.slots.count <= 1024)
        }
        #expect(detectors.connFlood.tables[0].slots.count <= 512)
        #expect(result.stats.evictedKeys > 0)
        #expect(result.episodes.count == 1)
        let e = try #require(result.episodes.first)
        #expect(e.openedBy.contains("server the host"))
        #expect(offBy(e.start, BuiltLog.at(10, 0)) <= 60)
        #expect(offBy(e.end, BuiltLog.at(10, 10)) <= 60)
    }

    /// Built: the per-minute evidence of a day-long episode keeps its first and
    /// last minutes and counts what it leaves out.
    @Test func evidenceMinutesAreBounded() throws {
        var settings = DetectionSettings()
        settings.maxEvidenceMinutes = 60
        var log = BuiltLog()
        log.postscreenBot("203.0.113.7", from: BuiltLog.at(6, 0), to: BuiltLog.at(9, 0), every: 3)
        let e = try #require(detect(log.lines, settings: settings).episodes.first)
        #expect(e.minutes.count == 60)
        #expect(e.elidedMinutes == 181 - 60)
        #expect(e.minutes.reduce(0) { $0 + $1.count } + e.elidedEvents == e.totalEvidence)
        #expect(e.minutes.first?.minute == BuiltLog.micros(BuiltLog.at(6, 0)))
        #expect(e.minutes.last?.minute == BuiltLog.micros(BuiltLog.at(9, 0)))
    }

    /// The space-saving tally keeps the heaviest keys when more arrive than it holds.
    @Test func topCounterKeepsTheHeaviest() {
        var counter = TopCounter(capacity: 8)
        for round in 0..<50 {
            for k in 0..<40 {
                let weight = k < 3 ? 10 : 1
                counter.add(OffenderID(type: .user, hi: UInt64(k), lo: 0), weight: weight) { "k\(k)" }
                _ = round
            }
        }
        let top = counter.top(3) { _ in "user" }.map(\.key)
        #expect(Set(top) == ["k0", "k1", "k2"])
    }
}
