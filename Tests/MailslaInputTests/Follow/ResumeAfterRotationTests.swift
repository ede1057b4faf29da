import Testing
@testable import MailslaInput

/// mailsla stops (its positions stored), the logs rotate while it is down, it starts again.
@Suite("Follow: resume after rotation while down")
struct ResumeAfterRotationTests {
    /// Follows `mail.log` through lines 0..<50, then stops; returns what it stored.
    private func firstRun(_ dir: LogDirectory) throws -> (Harvest, [FollowPosition]) {
        dir.append("mail.log", lines(0..<50))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        let harvest = try follower.drained()
        return (harvest, follower.positions)
    }

    private func secondRun(_ dir: LogDirectory, _ stored: [FollowPosition]) throws -> (Harvest, FileFollower) {
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .end,
                                    maxLineLength: 4096)
        return (try follower.drained(), follower)
    }

    @Test("renamed to mail.log.1: finished from the stored offset, then the new file from 0",
          arguments: ["mail.log.1", "mail.log-20261126"])
    func renamed(_ rotatedName: String) throws {
        let dir = LogDirectory()
        let (first, stored) = try firstRun(dir)
        dir.append("mail.log", lines(50..<60) + "unterminated")
        dir.rotate("mail.log", to: rotatedName)
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<20, tag: "new"))
        let (second, follower) = try secondRun(dir, stored)
        #expect(first.text(dir.file("mail.log")) + second.text(dir.file("mail.log"))
                == lines(0..<60) + "unterminated\n" + lines(0..<20, tag: "new"))
        #expect(follower.counters[dir.file("mail.log")].finishedAfterRestart == 1)
        #expect(follower.lost.isEmpty)
    }

    @Test("rotated twice, the stored file compressed: .2.gz from its offset, .1 whole, then the current file")
    func compressed() throws {
        let dir = LogDirectory()
        let (first, stored) = try firstRun(dir)
        dir.append("mail.log", lines(50..<70))
        dir.rotate("mail.log", to: "mail.log.1")
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<10, tag: "middle"))
        dir.rename("mail.log.1", "mail.log.2")
        try dir.compress("mail.log.2")
        dir.rotate("mail.log", to: "mail.log.1")
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<5, tag: "current"))
        let (second, follower) = try secondRun(dir, stored)
        #expect(first.text(dir.file("mail.log")) + second.text(dir.file("mail.log"))
                == lines(0..<70) + lines(0..<10, tag: "middle") + lines(0..<5, tag: "current"))
        #expect(follower.counters[dir.file("mail.log")].finishedAfterRestart == 1)
        #expect(follower.positions.count == 1, "the finished rotated files are closed")
    }

    @Test("a compressed file can be resumed again: a restart in the middle of finishing it")
    func restartWhileFinishingGzip() throws {
        let dir = LogDirectory()
        let (first, stored) = try firstRun(dir)
        dir.append("mail.log", lines(50..<80))
        dir.rename("mail.log", "mail.log.1")
        try dir.compress("mail.log.1")
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<3, tag: "current"))
        // Second run reads a little of the .gz and stops.
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .end,
                                    maxLineLength: 4096, blockSize: 200)
        var second = Harvest()
        try follower.poll(maxBytes: 400) { second.bytes[$0.path, default: []] += $0.bytes }
        let midway = follower.positions
        #expect(midway.count == 2)
        let (third, _) = try secondRun(dir, midway)
        #expect(first.text(dir.file("mail.log")) + second.text(dir.file("mail.log")) + third.text(dir.file("mail.log"))
                == lines(0..<80) + lines(0..<3, tag: "current"))
    }

    @Test("the stored file is gone: reported as lost, the current file read from 0")
    func lostWhileDown() throws {
        let dir = LogDirectory()
        let (_, stored) = try firstRun(dir)
        dir.remove("mail.log")
        dir.reopen("mail.log")
        // Longer than the stored offset, so even if the new file reuses the inode, it is not
        // taken for the old one truncated.
        dir.append("mail.log", lines(0..<80, tag: "fresh"))
        let (second, follower) = try secondRun(dir, stored)
        #expect(second.text(dir.file("mail.log")) == lines(0..<80, tag: "fresh"))
        #expect(follower.lost == stored)
        #expect(follower.counters[dir.file("mail.log")].lostWhileDown == 1)
    }

    @Test("the stored offset is past the end of the file: truncated while down, read from 0")
    func truncatedWhileDown() throws {
        let dir = LogDirectory()
        let (_, stored) = try firstRun(dir)
        // Truncated, then rewritten with the same first line, so only the size tells.
        dir.truncate("mail.log")
        dir.append("mail.log", lines(0..<1))
        let (second, follower) = try secondRun(dir, stored)
        #expect(second.text(dir.file("mail.log")) == lines(0..<1))
        #expect(follower.counters[dir.file("mail.log")].truncatedWhileDown == 1)
    }
}
