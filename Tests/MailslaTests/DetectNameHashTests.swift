import MailslaCore
import Testing
@testable import Mailsla

/// `NameHash` values live in snapshots: the word-at-a-time version must give
/// exactly what byte-at-a-time FNV-1a with ASCII lower-casing gave.
@Suite struct DetectNameHashTests {
    /// The definition, one byte at a time.
    static func reference(_ bytes: [UInt8]) -> UInt64 {
        var h = NameHash.seed
        for var c in bytes {
            if c >= 65 && c <= 90 { c |= 0x20 }
            h = (h ^ UInt64(c)) &* NameHash.prime
        }
        return h == 0 ? 1 : h
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { NameHash.of($0) } }

    @Test func equalsByteAtATimeFNVForEveryLengthAndByte() {
        var random = SplitMix64(seed: 20261127)
        var checked = 0
        var mismatches: [[UInt8]] = []
        for length in 0...80 {
            for _ in 0..<200 {
                // Half the rounds near the letters' edges ('@', 'A', 'Z', '[', '`', 'a', 'z', '{', 0x7F, 0x80, 0xC1 …).
                let edges: [UInt8] = [0, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xC1, 0xDA, 0xFF]
                let bytes = (0..<length).map { _ in
                    random.next() & 1 == 0 ? UInt8(truncatingIfNeeded: random.next()) : edges[Int(random.next() % UInt64(edges.count))]
                }
                if Self.hash(bytes) != Self.reference(bytes) { mismatches.append(bytes) }
                checked += 1
            }
        }
        #expect(checked == 81 * 200)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func foldsCaseAndKeepsKnownValues() {
        let mixed = Self.hash(Array("Alice.Example@Mail.Example.COM".utf8))
        #expect(mixed == Self.hash(Array("alice.example@mail.example.com".utf8)))
        #expect(mixed != Self.hash(Array("alice.example@mail.example.co".utf8)))
        // FNV-1a's published values for "" and "a" (no upper case to fold).
        #expect(Self.hash([]) == 0xcbf2_9ce4_8422_2325)
        #expect(Self.hash(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(Self.hash(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }

    /// Slices inside a longer buffer: a word that straddled the slice's ends would change the value.
    @Test func hashesSlicesWithoutReadingPastThem() {
        let text = Array("xxxxxxxxqueue-4jHFPB4w4Rz1rT7yyyyyyyy".utf8)
        var wrong: [Range<Int>] = []
        text.withUnsafeBufferPointer { all in
            for start in 0..<12 {
                for end in start...(all.count - 8) {
                    let slice = UnsafeBufferPointer(rebasing: all[start..<end])
                    if NameHash.of(slice) != Self.reference(Array(text[start..<end])) { wrong.append(start..<end) }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong)")
    }
}
