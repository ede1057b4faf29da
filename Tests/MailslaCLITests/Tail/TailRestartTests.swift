import Foundation
import MailslaStore
import Testing

/// `mailsla tail` stopped and killed at any moment resumes exactly: every test
/// ends by comparing the store with the written lines run through a pipeline.
@Suite(.serialized) struct TailRestartTests {
    @Test func aGracefulRestartResumesWhereItStopped() async throws {
        let h = try TailHarness()
        try h.append(3000)
        try await h.start()
        try await h.waitForLines(3000)
        #expect(try await h.stop() == 0, "\(h.stderr())")
        try h.append(2000)          // written while mailsla is down
        try await h.start()
        try await h.waitForLines(5000)
        try h.append(1000)
        try await h.waitForLines(6000)
        #expect(try await h.stop() == 0)
        try h.expectExactlyOnce()
        #expect(h.stderr().contains("resuming from the last checkpoint"))
    }

    @Test func killNineAtRandomMomentsLosesAndRepeatsNothing() async throws {
        var random = SystemRandomNumberGenerator()
        let h = try TailHarness(checkpointInterval: "0.1")
        for round in 0..<6 {
            try h.append(Int.random(in: 500...4000, using: &random))
            try await h.start(waitForReady: false)
            // Killed anywhere: before the first read, mid-batch, mid-checkpoint, idle.
            try await pause(microseconds: Int.random(in: 50_000...900_000, using: &random))
            if round % 2 == 1 { try h.append(300) }
            try await h.kill9()
        }
        try await h.start()
        try await h.waitForLines(h.linesWritten)
        #expect(try await h.stop() == 0)
        try h.expectExactlyOnce()
        #expect(h.kills == 6)
    }

    /// SIGTERM while a large file is being read: the batch in hand is finished and the
    /// last checkpoint covers exactly what was processed (bytes counted = offset stored).
    @Test func gracefulShutdownLosesNoBatch() async throws {
        let h = try TailHarness(checkpointInterval: "30")
        try h.append(40000)
        try await h.start()
        // No checkpoint before the stop (the interval is 30 s): only the shutdown's own can hold these lines.
        // Stopped as soon as the engine runs (the store exists and holds its first-start checkpoint… or not yet).
        try await offPool {
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: h.store + ".lock"), Date() < deadline { usleep(5_000) }
            usleep(300_000)
        }
        #expect(try await h.stop() == 0, "\(h.stderr())")
        let state = try #require(try StateStore(readingFrom: h.store).load())
        let counters = try h.counters()
        let lines = try #require(counters["lines"])
        #expect(lines > 0)
        #expect(Int64(counters["bytes"] ?? -1) == state.files.first?.offset, "the checkpoint's position is after the last line it counts")
        try h.setCheckpointInterval("0.2")
        try await h.start()
        try await h.waitForLines(40000)
        #expect(try await h.stop() == 0)
        try h.expectExactlyOnce()
    }

    @Test func aSecondTailOnTheSameStoreIsRefused() async throws {
        let h = try TailHarness()
        try h.append(10)
        try await h.start()
        try await h.waitForLines(10)
        // systemd heard READY=1 and, with a watchdog, WATCHDOG=1 from the engine loop.
        try await h.waitForMessage("WATCHDOG=1")
        #expect(h.notifications.contains { $0.contains("READY=1") })
        let second = try BinaryRunner.run(["tail", "--config", h.config])
        #expect(second.status != 0)
        #expect(second.stderr.contains("another mailsla tail is using this state database"))
        #expect(try await h.stop() == 0)
        try h.expectExactlyOnce()
    }

    @Test func sighupWithABrokenConfigurationKeepsTheRunningOne() async throws {
        let h = try TailHarness()
        try h.append(1000)
        try await h.start()
        try await h.waitForLines(1000)
        let good = try String(contentsOfFile: h.config, encoding: .utf8)
        try (good + "\nnonsense_key: 1\n").write(toFile: h.config, atomically: true, encoding: .utf8)
        kill(h.process!.processIdentifier, SIGHUP)
        try h.append(1000)
        try await h.waitForLines(2000)
        #expect(h.stderr().contains("reload refused"))
        #expect(h.stderr().contains("nonsense_key"))
        try good.write(toFile: h.config, atomically: true, encoding: .utf8)
        kill(h.process!.processIdentifier, SIGHUP)
        try await offPool {
            let deadline = Date().addingTimeInterval(10)
            while !h.stderr().contains("reloaded configuration and rules"), Date() < deadline { usleep(20_000) }
        }
        #expect(h.stderr().contains("reloaded configuration and rules"))
        // Hosts and programs first seen after the reload (the parser interns them; the reloaded
        // classifier must read the same names: a second table once made this crash in CI's e2e).
        let novel = (0..<40).map { i in
            "2026-11-10T10:\(10 + i / 4):0\(i % 4)+00:00 relay\(i).example.net postfix-\(i)/smtpd[\(100 + i)]: " +
                "connect from unknown[192.0.2.\(i + 1)]"
        }
        try h.append(lines: novel)
        try h.append(1000)
        try await h.waitForLines(3040)
        #expect(try await h.stop() == 0)
        try h.expectExactlyOnce()
    }

    @Test func reportFromTheStateAgreesWithTheStore() async throws {
        let h = try TailHarness()
        try h.append(5000)
        try await h.start()
        try await h.waitForLines(5000)
        #expect(try await h.stop() == 0)
        let report = try BinaryRunner.run(["report", "--state", h.store, "--month", "2026-11", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as! [String: Any]
        let flow = try #require(json["flow"] as? [String: Any])
        #expect(flow["received"] as? Int == (try h.counters()["flow_received"] ?? 0))
        #expect((json["input"] as? [String: Any])?["lines"] as? Int == 5000)
        let text = try BinaryRunner.run(["report", "--state", h.store, "--month", "2026-11"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("mail flow"))
        // Made from stored state, not by a replay: no replay heading, no timing.
        #expect(text.stdout.contains("\ninput: 1 source(s), 5,000 lines (from stored state)\n"), "\(text.stdout)")
        #expect(!text.stdout.contains("mailsla replay:"))
        let html = try BinaryRunner.run(["report", "--state", h.store, "--month", "2026-11", "--format", "html"])
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>") || html.stdout.hasPrefix("<!doctype html>"))
        let missing = try BinaryRunner.run(["report", "--state", h.dir.appendingPathComponent("none.db").path, "--month", "2026-11"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such state database"))
    }
}
