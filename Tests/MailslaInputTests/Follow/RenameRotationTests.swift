import Testing
@testable import MailslaInput

@Suite("Follow: rename rotation")
struct RenameRotationTests {
    @Test("the old file is finished, its unterminated last line included, then the new one from 0")
    func finishesOldThenNew() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<100))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<100))

        // The daemon writes more and a partial line, then logrotate renames and creates.
        dir.append("mail.log", lines(100..<150) + "no newline at the end")
        dir.rotate("mail.log", to: "mail.log.1")
        #expect(waitReadable(follower.pollDescriptor), "inotify reports the rename")
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<30, tag: "new"))
        try follower.drain(into: &harvest)

        let expected = lines(0..<150) + "no newline at the end\n" + lines(0..<30, tag: "new")
        #expect(harvest.text(dir.file("mail.log")) == expected)
        let counters = follower.counters[dir.file("mail.log")]
        #expect(counters.rotations == 1)
        #expect(counters.reopens == 1)
        #expect(counters.unterminatedLines == 1)
        #expect(counters.lines == 181)
        // Only the new file is followed now, at its end.
        #expect(follower.positions.count == 1)
        #expect(follower.positions.first?.offset == Int64(lines(0..<30, tag: "new").utf8.count))
    }

    @Test("lines written to the old file after the rename, before the daemon reopens, are read")
    func writerStillOnOldFile() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<10))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.rotate("mail.log", to: "mail.log.1")
        try follower.drain(into: &harvest)
        // The new file is still empty, so the old one stays open: the daemon has not reopened yet.
        dir.append("mail.log", lines(10..<20))
        try follower.drain(into: &harvest)
        #expect(follower.positions.count == 2)
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<5, tag: "new"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<20) + lines(0..<5, tag: "new"))
        #expect(follower.positions.count == 1)
        #expect(follower.counters[dir.file("mail.log")].unterminatedLines == 0)
    }

    @Test("a rotated file that stops growing is closed after the grace time even if no new file gets data")
    func graceCloses() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<10) + "partial")
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096, rotatedFileGrace: 0)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.rotate("mail.log", to: "mail.log.1")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<10) + "partial\n")
        #expect(follower.positions.map(\.offset) == [0])
    }
}
