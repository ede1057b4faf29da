import Testing
@testable import MailslaInput
import Foundation

@Suite("Follow: copytruncate")
struct CopytruncateTests {
    @Test("copy then truncate: the follower starts over at 0 and counts it")
    func copyThenTruncate() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<200))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.append("mail.log", lines(200..<210))
        // logrotate copytruncate: copy the file, then truncate it in place; the daemon keeps its descriptor.
        _ = FileManager.default.createFile(atPath: dir.file("mail.log.1"), contents: Data(dir.contents("mail.log")))
        try follower.drain(into: &harvest)
        dir.truncate("mail.log")
        dir.append("mail.log", lines(0..<3, tag: "after"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<210) + lines(0..<3, tag: "after"))
        #expect(follower.counters[dir.file("mail.log")].truncations == 1)
        #expect(follower.counters[dir.file("mail.log")].rotations == 0)
    }

    @Test("truncated and refilled past the old offset between two polls: the changed first bytes tell")
    func refilledPastOffset() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<5))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.truncate("mail.log")
        dir.append("mail.log", lines(0..<50, tag: "refilled"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<5) + lines(0..<50, tag: "refilled"))
        #expect(follower.counters[dir.file("mail.log")].truncations == 1)
    }
}
