import Mailsla
import Testing
@testable import MailslaServe

/// The pieces behind 401 and 429, without a server.
@Suite struct AccessControlTests {
    @Test func credentialsAreComparedWholeAndExactly() {
        let bearer = Authenticator(.bearer(token: "0123456789abcdef"))
        #expect(bearer.allows("Bearer 0123456789abcdef"))
        #expect(!bearer.allows("Bearer 0123456789abcdeF"))
        #expect(!bearer.allows("Bearer 0123456789abcde"))
        #expect(!bearer.allows("Bearer 0123456789abcdef0"))
        #expect(!bearer.allows(nil) && !bearer.allows(""))
        let basic = Authenticator(.basic(user: "u", password: "password1"))
        #expect(basic.allows("Basic dTpwYXNzd29yZDE="))
        #expect(!basic.allows("Basic dTpwYXNzd29yZDI="))
        #expect(Authenticator(nil).allows(nil) && !Authenticator(nil).isEnabled)
        #expect(Authenticator.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Authenticator.constantTimeEqual([1, 2, 3], [1, 2, 3, 0]))
        #expect(!Authenticator.constantTimeEqual([], [0]))
    }

    @Test func aBucketRefillsAtItsRate() {
        let limiter = RateLimiter(requests: 2, windowSeconds: 10)
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == 5)
        #expect(limiter.take("b", now: 0) == nil, "another client has its own bucket")
        #expect(limiter.take("a", now: 4.9) != nil)
        #expect(limiter.take("a", now: 5.1) == nil)
    }

    @Test func theTableStaysBoundedUnderAFloodOfAddresses() {
        let limiter = RateLimiter(requests: 1, windowSeconds: 60, capacity: 100)
        #expect(limiter.take("victim", now: 0) == nil)
        for i in 0..<10_000 { _ = limiter.take("198.51.100.\(i)", now: Double(i) / 1000) }
        #expect(limiter.clients <= 100)
    }
}
