import Foundation
import Testing
@testable import MailslaJournal

/// `scripts/journal-floor` compares the two-lane reader with `Benchmarks/journal-floor/journal-floor.c`.
/// That comparison holds only while the C loop reads every entry the reader reads: a loop that
/// stopped early or skipped files would look faster than libsystemd allows.
@Suite struct JournalFloorTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theFloorLoopReadsEveryEntryOfTheRotatedFiles() throws {
        let directory = try JournalFileLanesTests.rotated.get()
        let files = try #require(JournalFileOrder.sequential(directory: directory))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let floor = dir.appendingPathComponent("journal-floor").path
        _ = try Self.run("/usr/bin/env", ["clang", "-O2", "-o", floor,
                                          Self.packageRoot.appendingPathComponent("Benchmarks/journal-floor/journal-floor.c").path,
                                          "-lsystemd"])
        let all = try Self.run(floor, files)
        #expect(all.status == 0)
        #expect(all.output.split(separator: " ").first == "\(JournalFileLanesTests.entryCount)", "\(all.output)")
        // Alternate files, as the script splits them between two processes, add up to the same.
        let even = try Self.run(floor, files.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        let odd = try Self.run(floor, files.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        let counts = [even, odd].compactMap { Int($0.output.split(separator: " ").first ?? "") }
        #expect(files.count >= 2 && counts.count == 2 && counts.reduce(0, +) == JournalFileLanesTests.entryCount, "\(counts)")

        let usage = try Self.run(floor, [])
        #expect(usage.status == 2)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
