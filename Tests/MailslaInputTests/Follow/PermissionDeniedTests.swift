import Testing
@testable import MailslaInput
#if canImport(Glibc)
import Glibc
#endif

/// The tests run as root, which open(2) never denies. `setfsuid` gives the calling thread
/// (only it) another filesystem user and drops its CAP_DAC_OVERRIDE, so the kernel really
/// answers EACCES for a mode-000 file. The whole test runs synchronously on one thread.
@discardableResult
private func asNobody<T>(_ body: () throws -> T) rethrows -> T {
    typealias SetFsuid = @convention(c) (UInt32) -> Int32
    let setfsuid = unsafeBitCast(dlsym(nil, "setfsuid"), to: SetFsuid.self)
    _ = setfsuid(65534)
    defer { _ = setfsuid(0) }
    return try body()
}

@Suite("Follow: permission denied")
struct PermissionDeniedTests {
    @Test("an unreadable file is named and counted, never fatal, and read once it becomes readable")
    func deniedThenGranted() throws {
        let dir = LogDirectory()
        dir.append("secret.log", lines(0..<12))
        dir.append("open.log", lines(0..<3, tag: "open"))
        chmod(dir.file("secret.log"), 0o000)
        let follower = FileFollower(patterns: [dir.file("secret.log"), dir.file("open.log")], resume: [],
                                    newFilesStart: .beginning, maxLineLength: 4096)
        var harvest = Harvest()
        try asNobody { try follower.drain(into: &harvest) }
        #expect(harvest.text(dir.file("open.log")) == lines(0..<3, tag: "open"), "the other file is read meanwhile")
        #expect(harvest.text(dir.file("secret.log")).isEmpty)
        let error = try #require(follower.errors[dir.file("secret.log")])
        #expect(error.path == dir.file("secret.log"))
        #expect(error.reason == "Permission denied")
        #expect(follower.counters[dir.file("secret.log")].errors == 1)
        // Retried on every look-up, but counted once while the reason stays the same.
        try asNobody { try follower.drain(into: &harvest) }
        #expect(follower.counters[dir.file("secret.log")].errors == 1)

        chmod(dir.file("secret.log"), 0o644)
        #expect(waitReadable(follower.pollDescriptor), "inotify reports the chmod")
        try asNobody { try follower.drain(into: &harvest) }
        #expect(harvest.text(dir.file("secret.log")) == lines(0..<12))
        #expect(follower.errors.isEmpty)
    }

    @Test("a stored position whose file is unreadable at restart is kept, then resumed when readable")
    func resumeWaitsForPermission() throws {
        let dir = LogDirectory()
        dir.append("mail.log", lines(0..<10))
        let first = FileFollower(patterns: [dir.file("mail.log")], resume: [], newFilesStart: .beginning,
                                 maxLineLength: 4096)
        let before = try first.drained()
        let stored = first.positions
        dir.append("mail.log", lines(10..<15))
        chmod(dir.file("mail.log"), 0o000)
        let second = FileFollower(patterns: [dir.file("mail.log")], resume: stored, newFilesStart: .beginning,
                                  maxLineLength: 4096)
        var after = Harvest()
        try asNobody { try second.drain(into: &after) }
        #expect(second.positions == stored, "a checkpoint now still holds the stored position")
        #expect(second.errors[dir.file("mail.log")] != nil)
        chmod(dir.file("mail.log"), 0o644)
        try asNobody { try second.drain(into: &after) }
        #expect(before.text(dir.file("mail.log")) + after.text(dir.file("mail.log")) == lines(0..<15))
    }
}
