import MailslaCore
import Testing
@testable import Mailsla

// A queue key's words are in snapshots and decide hashing and equality: the word loads must give
// exactly what copying the id's bytes into zeroed words gives, for every length up to the cut at 24.
@Suite struct QueueKeyTests {
    @Test func wordsAreTheBytesCopiedIntoZeroedWordsForEveryLength() {
        let source: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: 0x31 &+ $0 &* 37) }
        for count in 0...source.count {
            // An id inside a longer buffer, as captures are: bytes past it must not leak in.
            let slice = Array(source[0..<count]) + [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11, 0x22]
            let key = slice.withUnsafeBufferPointer { QueueKey(host: Symbol(raw: 3), bytes: UnsafeBufferPointer(rebasing: $0[0..<count])) }
            var expected: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let n = min(count, 24)
            withUnsafeMutableBytes(of: &expected) { raw in
                source.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            #expect(key.length == UInt8(n))
            #expect(key.a == expected.0, "length \(count)")
            #expect(key.b == expected.1, "length \(count)")
            #expect(key.c == expected.2, "length \(count)")
        }
    }

    @Test func keysOfEqualIdsAreEqualAndOfDifferentIdsDiffer() {
        let a = QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT7")
        #expect(a == QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT7"))
        #expect(a != QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT8"))
        #expect(a != QueueKey(host: Symbol(raw: 1), text: "4jHFPB4w4Rz1rT"))
        #expect(a != QueueKey(host: Symbol(raw: 2), text: "4jHFPB4w4Rz1rT7"))
    }
}
