import Testing
@testable import MailslaInput

@Suite("Follow: truncation")
struct TruncationTests {
    @Test("size below the offset: read again from 0, the held partial line handed out first")
    func truncatedBelowOffset() throws {
        let dir = LogDirectory()
        dir.append("app.log", lines(0..<20) + "half a li")
        let follower = FileFollower(patterns: [dir.file("app.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("app.log")) == lines(0..<20))
        dir.truncate("app.log")
        dir.append("app.log", "x\n")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("app.log")) == lines(0..<20) + "half a li\n" + "x\n")
        let counters = follower.counters[dir.file("app.log")]
        #expect(counters.truncations == 1)
        #expect(counters.unterminatedLines == 1)
        #expect(follower.positions.first?.offset == 2)
    }

    @Test("truncated to empty and left empty: nothing more, position 0")
    func truncatedToEmpty() throws {
        let dir = LogDirectory()
        dir.append("app.log", lines(0..<20))
        let follower = FileFollower(patterns: [dir.file("app.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.truncate("app.log")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("app.log")) == lines(0..<20))
        #expect(follower.positions.first?.offset == 0)
        #expect(follower.counters[dir.file("app.log")].truncations == 1)
        dir.append("app.log", lines(0..<2, tag: "again"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("app.log")) == lines(0..<20) + lines(0..<2, tag: "again"))
    }
}
