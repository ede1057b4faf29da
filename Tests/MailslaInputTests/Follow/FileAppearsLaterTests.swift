import Testing
@testable import MailslaInput

@Suite("Follow: files that appear later")
struct FileAppearsLaterTests {
    @Test("a named file that does not exist yet is read from its first byte once it appears, even with start at end")
    func namedFileAppears() throws {
        let dir = LogDirectory()
        let follower = FileFollower(patterns: [dir.file("later.log")], resume: [], newFilesStart: .end,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        #expect(follower.positions.isEmpty)
        #expect(follower.errors.isEmpty)
        dir.append("later.log", lines(0..<9))
        #expect(waitReadable(follower.pollDescriptor), "inotify reports the new file")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("later.log")) == lines(0..<9))
    }

    @Test("a glob picks up new files and leaves rotated names out; files there at the start begin at their end")
    func globPicksUpNewFiles() throws {
        let dir = LogDirectory()
        dir.append("a.log", lines(0..<5, tag: "old a") + "partial of a")
        let follower = FileFollower(patterns: [dir.file("*.log*")], resume: [], newFilesStart: .end,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        #expect(harvest.bytes.isEmpty)
        dir.append("a.log", " completed\n")
        dir.append("b.log", lines(0..<4, tag: "b"))
        dir.append("a.log.1", lines(0..<4, tag: "rotated"))
        dir.append("c.log-20261126", lines(0..<4, tag: "dated"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("a.log")) == "partial of a completed\n")
        #expect(harvest.text(dir.file("b.log")) == lines(0..<4, tag: "b"))
        #expect(harvest.bytes.count == 2)
    }
}
