import Foundation
import Testing
@testable import MailslaInput

@Suite struct InputPathsTests {
    @Test func aRotatedSetIsReadOldestFirstWhateverTheArgumentOrder() {
        let files = ["mail.log", "mail.log.1", "mail.log.10.gz", "mail.log.2.gz", "mail.log.9.gz", "mail.err", "mail.err.1"]
        #expect(InputPaths.orderRotatedSets(files.shuffled().sorted { $0.count < $1.count }.reversed())
            .filter { $0.hasPrefix("mail.log") }
            == ["mail.log.10.gz", "mail.log.9.gz", "mail.log.2.gz", "mail.log.1", "mail.log"])
    }

    @Test func datedRotationSortsByDateThenTheLiveFile() {
        let files = ["mail.log", "mail.log-20261103.gz", "mail.log-20261101.gz", "mail.log-20261102"]
        #expect(InputPaths.orderRotatedSets(files)
            == ["mail.log-20261101.gz", "mail.log-20261102", "mail.log-20261103.gz", "mail.log"])
    }

    @Test func directoriesAndGlobsExpandAndMissingOnesAreReported() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["mail.log", "mail.log.1", "mail.log.2.gz", ".hidden", "system.journal"] {
            #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()))
        }
        let d = dir.path
        let fromDirectory = InputPaths.resolve([d])
        #expect(fromDirectory.inputs == ["\(d)/mail.log.2.gz", "\(d)/mail.log.1", "\(d)/mail.log"].map { .file($0) })
        let fromGlob = InputPaths.resolve(["\(d)/mail.log*", "\(d)/nope*", "\(d)/missing.log", "-"])
        #expect(fromGlob.inputs == ["\(d)/mail.log.2.gz", "\(d)/mail.log.1", "\(d)/mail.log"].map { .file($0) } + [.standardInput])
        #expect(fromGlob.missing == ["\(d)/nope*", "\(d)/missing.log"])
    }
}
