import MailslaCore
import Testing
@testable import MailslaInput

@Suite("Follow: many small appends")
struct ManySmallAppendsTests {
    @Test("thousands of appends cut at random places, polled at random: every line exactly once, in order")
    func randomAppends() throws {
        let dir = LogDirectory()
        var generator = SplitMix64(seed: 7)
        let text = lines(0..<3000)
        let bytes = Array(text.utf8)
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096, blockSize: 512)
        var harvest = Harvest()
        var at = 0
        while at < bytes.count {
            let n = min(bytes.count - at, Int(generator.next() % 97) + 1)
            dir.append("mail.log", String(decoding: bytes[at..<at + n], as: UTF8.self))
            at += n
            if generator.next() % 3 == 0 {
                var got = 0
                try follower.poll { chunk in
                    harvest.bytes[chunk.path, default: []] += chunk.bytes
                    got += 1
                }
                // Every position handed out is at a line boundary of what was written.
                if let offset = follower.positions.first?.offset, offset > 0 {
                    #expect(bytes[Int(offset) - 1] == 0x0A)
                }
            }
        }
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == text)
        #expect(follower.counters[dir.file("mail.log")].lines == 3000)
    }
}

