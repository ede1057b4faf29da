import Testing
@testable import MailslaInput

@Suite("Follow: deletion and re-creation")
struct DeletionTests {
    @Test("deleted then re-created under the same name: the old file's last lines, then the new file")
    func deletedAndRecreated() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<40))
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.append("mail.log", lines(40..<45))
        dir.remove("mail.log")
        #expect(waitReadable(follower.pollDescriptor))
        try follower.drain(into: &harvest)
        #expect(follower.counters[dir.file("mail.log")].deletions == 1)
        dir.reopen("mail.log")
        dir.append("mail.log", lines(0..<7, tag: "recreated"))
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<45) + lines(0..<7, tag: "recreated"))
        #expect(follower.counters[dir.file("mail.log")].reopens == 1)
        #expect(follower.positions.count == 1)
    }

    @Test("deleted for good: finished after the grace time, then no position is kept")
    func deletedForGood() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<3) + "last words")
        let follower = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                    maxLineLength: 4096, rotatedFileGrace: 0)
        var harvest = Harvest()
        try follower.drain(into: &harvest)
        dir.remove("mail.log")
        try follower.drain(into: &harvest)
        #expect(harvest.text(dir.file("mail.log")) == lines(0..<3) + "last words\n")
        #expect(follower.positions.isEmpty)
        #expect(follower.errors.isEmpty, "a missing file is waited for, not an error")
    }
}
