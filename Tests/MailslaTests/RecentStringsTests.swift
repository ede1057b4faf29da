import Testing
@testable import Mailsla

// The correlator's string cache must answer exactly what `String(decoding:as:)` would, whatever
// it held before: a shared string only for the same bytes, never for a colliding or repaired value.
@Suite struct RecentStringsTests {
    static func string(_ cache: RecentStrings, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { cache.string($0) }
    }

    @Test func answersAsStringDecodingForShortLongAndInvalidValues() {
        let cache = RecentStrings(size: 4)
        let values: [[UInt8]] = [
            Array("<20261101.4ABC@mx1.example.com>".utf8), Array("dovecot".utf8), [],
            Array("exactly-15-byte".utf8), Array("sixteen-bytes-xx".utf8),
            Array("relay.example.org[192.0.2.5]:25".utf8),
            Array("caf\u{E9}-\u{1F600}-long-enough-value".utf8),
            [0x61, 0x62, 0xFF, 0xFE, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F],
        ]
        // Twice over, through a table of four slots: hits, misses and replaced slots all answer the same.
        for _ in 0..<2 {
            for value in values {
                let made = Self.string(cache, value)
                let expected = String(decoding: value, as: UTF8.self)
                #expect(made == expected)
                #expect(Array(made.utf8) == Array(expected.utf8))
            }
        }
    }

    @Test func sharesOnlyEqualBytes() {
        let cache = RecentStrings(size: 1)
        let a = Self.string(cache, Array("first-address@example.org".utf8))
        // Same length, one slot: the second value lands where the first is and must not be answered with it.
        let b = Self.string(cache, Array("other-address@example.org".utf8))
        let again = Self.string(cache, Array("other-address@example.org".utf8))
        #expect(a == "first-address@example.org")
        #expect(b == "other-address@example.org")
        #expect(again == b)
    }
}
