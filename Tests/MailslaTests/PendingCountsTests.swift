@testable import Mailsla
import Testing

/// Events waiting for the event that completes them: counted, completed, expired, capped, pruned.
@Suite struct PendingCountsTests {
    let a = IPAddress(hi: 0, lo: 0xFFFF_C000_0201)
    let b = IPAddress(hi: 0, lo: 0xFFFF_C000_0202)

    @Test func takeCompletesAtMostWhatIsPending() {
        var pending = PendingCounts<IPAddress>(window: 60)
        pending.add(a, at: 0)
        pending.add(a, at: 10)
        pending.add(b, at: 10)
        #expect(pending.count(a, at: 20) == 2)
        #expect(pending.take(a, 5, at: 20) == 2)
        #expect(pending.count(a, at: 20) == 0)
        #expect(pending.entries[a] == nil, "an entry completed to zero is gone")
        #expect(pending.take(b, 0, at: 20) == 0)
        #expect(pending.take(b, 1, at: 20) == 1)
    }

    @Test func anEntryExpiresAWindowAfterItsLastEvent() {
        var pending = PendingCounts<IPAddress>(window: 60)
        pending.add(a, at: 0)
        pending.add(a, at: 50)
        #expect(pending.count(a, at: 109) == 2)
        #expect(pending.take(a, 1, at: 109) == 1)
        #expect(pending.count(a, at: 110) == 0, "taking does not refresh the entry")
        #expect(pending.take(a, 1, at: 110) == 0)
        pending.add(a, at: 200)
        #expect(pending.count(a, at: 200) == 1, "an expired count starts again from zero")
    }

    @Test func theLimitCapsAKey() {
        var pending = PendingCounts<HostClient>(window: 60, limit: 3)
        let client = HostClient(host: 1, ip: a)
        for t in 0..<10 { pending.add(client, at: Int64(t)) }
        #expect(pending.count(client, at: 10) == 3)
        #expect(pending.count(HostClient(host: 2, ip: a), at: 10) == 0, "another host's client is another key")
    }

    @Test func expiredEntriesGoWhenTheTableDoubles() {
        var pending = PendingCounts<Int>(window: 60)
        for key in 0..<4096 { pending.add(key, at: 0) }
        #expect(pending.entries.count == 4096)
        // One more, when every entry so far has expired: the pass drops them all.
        pending.add(-1, at: 1000)
        #expect(pending.entries.count == 1)
        // Live entries stay: a pass at 4,097 keeps them all, and the next comes at twice that.
        for key in 0..<5000 { pending.add(10_000 + key, at: 1010) }
        #expect(pending.entries.count == 5001)
        #expect(pending.count(10_000, at: 1010) == 1 && pending.count(-1, at: 1010) == 1)
    }
}
