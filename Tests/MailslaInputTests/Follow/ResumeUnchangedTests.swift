import Testing
@testable import MailslaInput

@Suite("Follow: resume with the file where it was")
struct ResumeUnchangedTests {
    @Test("the same file continues at its stored offset: nothing twice, nothing lost")
    func continuesAtOffset() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<30) + "half")
        let first = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                 maxLineLength: 4096)
        let before = try first.drained()
        let stored = first.positions
        #expect(stored.count == 1)
        dir.append("mail.log", " done\n" + lines(30..<40))
        let second = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .end,
                                  maxLineLength: 4096)
        #expect(second.positions == stored, "before the first poll the stored positions stand")
        let after = try second.drained()
        #expect(before.text(dir.file("mail.log")) + after.text(dir.file("mail.log"))
                == lines(0..<30) + "half done\n" + lines(30..<40))
        #expect(second.counters[dir.file("mail.log")].finishedAfterRestart == 0)
        #expect(second.lost.isEmpty)
    }

    @Test("an unchanged file gives nothing, and a short file's identity still matches after it grew past 1 KiB")
    func unchangedAndGrown() throws {
        let dir = LogDirectory()
        dir.append("mail.log", "one\n")
        let first = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                 maxLineLength: 4096)
        _ = try first.drained()
        let stored = first.positions
        #expect(stored.first?.identity.fingerprintLength == 4)
        let again = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .beginning,
                                 maxLineLength: 4096)
        #expect(try again.drained().bytes.isEmpty)
        dir.append("mail.log", lines(0..<40))
        let grown = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .beginning,
                                 maxLineLength: 4096)
        #expect(try grown.drained().text(dir.file("mail.log")) == lines(0..<40))
        #expect(grown.positions.first?.identity.fingerprintLength == FileIdentity.fingerprintSpan)
        #expect(grown.lost.isEmpty)
    }
}
