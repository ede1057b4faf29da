import Testing
@testable import MailslaInput

@Suite("Follow: partial lines and long lines")
struct PartialLineTests {
    @Test("a line is held until its newline, and the position stays before it")
    func heldUntilNewline() throws {
        let dir = LogDirectory()
        dir.append("a.log", lines(0..<2) + "Nov 26 10:00:01 mx1 post")
        let follower = FileFollower(patterns: [dir.file("a.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("a.log")) == lines(0..<2))
        #expect(follower.positions.first?.offset == Int64(lines(0..<2).utf8.count))
        dir.append("a.log", "fix/qmgr[7]: ")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("a.log")) == lines(0..<2))
        dir.append("a.log", "removed\n")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("a.log")) == lines(0..<2) + "Nov 26 10:00:01 mx1 postfix/qmgr[7]: removed\n")
        #expect(follower.positions.first?.offset == Int64(dir.contents("a.log").count))
    }

    @Test("a chunk the body refuses is handed out again by the next poll")
    func refusedChunkComesBack() throws {
        struct Refused: Error {}
        let dir = LogDirectory()
        dir.append("a.log", lines(0..<10))
        let follower = FileFollower(patterns: [dir.file("a.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        #expect(throws: Refused.self) { try follower.poll { _ in throw Refused() } }
        #expect(follower.positions.first?.offset == 0)
        #expect(try follower.drained().text(dir.file("a.log")) == lines(0..<10))
    }

    @Test("lines longer than the limit are cut and counted, whole or arriving in pieces, never buffered")
    func longLinesCut() throws {
        let dir = LogDirectory()
        let long = String(repeating: "x", count: 300)
        dir.append("a.log", "short\n" + long + "\nafter\n" + String(repeating: "y", count: 150))
        // Small blocks, so the long line also arrives in pieces.
        let follower = FileFollower(patterns: [dir.file("a.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 100, blockSize: 64)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        // The partial "y" line is already past the limit: cut now, the rest dropped up to its newline.
        dir.append("a.log", String(repeating: "y", count: 500) + "\nend\n")
        try follower.drain(into: &harvest)
        let x100 = String(repeating: "x", count: 100), y100 = String(repeating: "y", count: 100)
        #expect(harvest.text(dir.file("a.log")) == "short\n\(x100)\nafter\n\(y100)\nend\n")
        #expect(follower.counters[dir.file("a.log")].linesCut == 2)
        #expect(follower.counters[dir.file("a.log")].lines == 5)
        #expect(follower.positions.first?.offset == Int64(dir.contents("a.log").count))
    }
}
