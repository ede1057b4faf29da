import Testing
@testable import Mailsla

/// The `listen:` section of mailsla.yaml.
@Suite struct ListenConfigTests {
    @Test func theDefaultIsLoopbackWithoutCredentials() throws {
        let c = try ConfigLoader.parse("timezone: UTC", path: "t.yaml")
        #expect(c.listen == ListenSettings())
        #expect(c.listen.address == "127.0.0.1" && c.listen.isLoopback && c.listen.auth == nil)
        #expect(c.listen.bodyLimitBytes == 1 << 20 && c.listen.rateLimitRequests == 60 && c.listen.rateLimitWindowSeconds == 60)
    }

    @Test func everyKeyIsApplied() throws {
        let c = try ConfigLoader.parse("""
        listen:
          address: 192.0.2.10
          port: 9100
          token: 0123456789abcdef0123
          body_limit: 65536
          rate_limit: { requests: 10, per: 5m }
        """, path: "t.yaml")
        #expect(c.listen.address == "192.0.2.10" && c.listen.port == 9100 && !c.listen.isLoopback)
        #expect(c.listen.auth == .bearer(token: "0123456789abcdef0123"))
        #expect(c.listen.bodyLimitBytes == 65536 && c.listen.rateLimitRequests == 10 && c.listen.rateLimitWindowSeconds == 300)
        let basic = try ConfigLoader.parse("listen: { basic: { user: prom, password: longenough } }", path: "t.yaml")
        #expect(basic.listen.auth == .basic(user: "prom", password: "longenough"))
    }

    @Test func theShortFormIsAddressAndPort() throws {
        let v4 = try ConfigLoader.parse("listen: 127.0.0.1:9745", path: "t.yaml").listen
        #expect(v4.address == "127.0.0.1" && v4.port == 9745)
        let v6 = try ConfigLoader.parse("listen: '[::1]:9000'", path: "t.yaml").listen
        #expect(v6.address == "::1" && v6.port == 9000 && v6.isLoopback)
    }

    @Test func badValuesAreRefusedWithTheLine() {
        #expect(refusal("listen: 9745").hasPrefix("bad.yaml:1: listen: '9745' must be ADDRESS:PORT"))
        #expect(refusal("listen: '::1:9000'").hasPrefix("bad.yaml:1: listen:"))
        #expect(refusal("listen:\n  port: 70000") == "bad.yaml:2: listen.port must be a port number 0…65535")
        #expect(refusal("listen:\n  token: short").hasPrefix("bad.yaml:2: listen.token must be at least 16 characters"))
        #expect(refusal("listen:\n  token: 0123456789abcdef0\n  basic: { user: a, password: bbbbbbbbbb }")
            .hasPrefix("bad.yaml:3: listen: give either token or basic"))
        #expect(refusal("listen:\n  basic: { user: 'a:b', password: bbbbbbbbbb }").hasPrefix("bad.yaml:2: listen.basic.user"))
        #expect(refusal("listen:\n  body_limit: 10").hasPrefix("bad.yaml:2: listen.body_limit must be"))
        #expect(refusal("listen:\n  rate_limit: { per: soon }").hasPrefix("bad.yaml:2: listen.rate_limit.per: 'soon'"))
        #expect(refusal("listen:\n  adress: 0.0.0.0").hasPrefix("bad.yaml:2: unknown key 'adress' in listen"))
    }
}
