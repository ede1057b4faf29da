import Foundation
import Testing
@testable import MailslaInput
import MailslaCore

@Suite struct GzipByteStreamTests {
    let text = Data((0..<5000).map { "Mar 14 00:00:\(String(format: "%02d", $0 % 60)) mx1 postfix/smtpd[\($0)]: line \($0)\n" }.joined().utf8)

    @Test func inflatesWhatGzipWrote() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mail.log.2.gz").path
        try gzip(text).write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        #expect(input.compressed)
        for block in [1, 13, 4096, 1 << 20] {
            let again = try TextInput.open(.file(path))
            #expect(try readAll(again.stream, block: block) == [UInt8](text))
        }
    }

    @Test func readsConcatenatedMembersAsOneStream() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let second = Data("Mar 15 00:00:00 mx1 postfix/qmgr[1]: second member\n".utf8)
        let path = dir.appendingPathComponent("cat.gz").path
        try (gzip(text) + gzip(second)).write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        #expect(try readAll(input.stream) == [UInt8](text + second))
    }

    @Test func aTruncatedFileNamesThePathAndTheOffsetAndKeepsWhatCameBefore() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try gzip(text)
        let path = dir.appendingPathComponent("cut.gz").path
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1000)
        var failure: InputError?
        do {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try input.stream.read(into: $0) }
                if n == 0 { break }
                got += buffer[..<n]
            }
        } catch let error as InputError {
            failure = error
        }
        let error = try #require(failure)
        #expect(error.code == .truncatedGzip)
        #expect(error.path == path)
        #expect(error.description.contains(path))
        let offset = try #require(error.offset)
        #expect(offset >= got.count && offset > 0 && offset < text.count)
        #expect(got == [UInt8](text.prefix(got.count)))
    }

    @Test func corruptDataIsAnErrorNotACrash() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = [UInt8](try gzip(text))
        for i in stride(from: 20, to: bytes.count - 8, by: 5) { bytes[i] ^= 0x5A }
        let path = dir.appendingPathComponent("bad.gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        #expect(throws: InputError.self) { _ = try readAll(input.stream) }
    }

    @Test func trailingGarbageAfterTheLastMemberIsReported() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("trail.gz").path
        try (gzip(text) + Data("not gzip".utf8)).write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        do {
            _ = try readAll(input.stream)
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.code == .corruptGzip)
            #expect(error.offset == text.count)
        }
    }

    @Test func plainFilesAreNotTakenForGzipByTheirName() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plain.gz").path
        try text.write(to: URL(fileURLWithPath: path))
        let input = try TextInput.open(.file(path))
        #expect(!input.compressed)
        #expect(try readAll(input.stream) == [UInt8](text))
    }

    @Test func unreadableFilesNameThePathAndTheReason() {
        do {
            _ = try TextInput.open(.file("/nonexistent/mail.log"))
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.code == .unreadable)
            #expect(error.description == "/nonexistent/mail.log: No such file or directory")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
