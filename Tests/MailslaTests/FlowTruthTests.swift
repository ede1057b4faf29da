import Foundation
import Testing
import MailslaCore
import MailslaCorpus
@testable import Mailsla

/// The correlator's per-message records against what the generator wrote:
/// every message, its queue files across the filter hop, its sender, size,
/// recipients and final state.
@Suite struct FlowTruthTests {
    static let generated: (truth: CorpusTruth, records: [MessageRecord]) = {
        let (bytes, truth) = try! CorpusWriter.generate(CorpusOptions(seed: 11, lines: 60_000, days: 3, format: .rfc3339))
        let text = String(decoding: bytes, as: UTF8.self)
        let (records, _) = runPipeline(text.split(separator: "\n").map(String.init))
        return (truth, records)
    }()

    /// The status mailsla should give a message, from the truth of its queue files.
    static func expectedStatus(_ root: CorpusTruth.Message, copies: [CorpusTruth.Message]) -> MessageStatus {
        if root.verdict == "spam-blocked" { return .spam }
        if root.verdict == "infected" { return .virus }
        let finals = (copies.isEmpty ? [root] : copies).flatMap(\.recipients).map(\.status)
        if finals.contains("pending") || (copies.isEmpty && root.recipients.contains { $0.status == "filtered" }) {
            return finals.contains("pending") ? .deferred : .inFlight
        }
        if finals.contains("expired") { return .expired }
        if finals.allSatisfy({ $0 == "sent" }) { return .delivered }
        return .bounced
    }

    @Test func everyMessageMatchesItsTruth() {
        let (truth, records) = Self.generated
        var byRoot: [String: MessageRecord] = [:]
        for r in records { byRoot["\(r.host) \(r.queueIDs[0])"] = r }
        var copies: [Int: [CorpusTruth.Message]] = [:]
        for m in truth.messages where m.kind == "reinjected" { copies[m.parent!, default: []].append(m) }
        var checked = 0
        var mismatches: [String] = []
        for (index, m) in truth.messages.enumerated() where m.kind != "reinjected" {
            let key = "\(m.host) \(m.queueID)"
            guard let r = byRoot[key] else { mismatches.append("\(key): no record"); continue }
            checked += 1
            let expectedIDs = [m.queueID] + (copies[index] ?? []).map(\.queueID)
            if r.queueIDs != expectedIDs { mismatches.append("\(key): queue ids \(r.queueIDs) ≠ \(expectedIDs)") }
            if r.isNotice != (m.kind == "bounce") { mismatches.append("\(key): notice \(r.isNotice)") }
            if (r.sender ?? "") != m.from { mismatches.append("\(key): sender \(r.sender ?? "-") ≠ \(m.from)") }
            if r.size != m.size { mismatches.append("\(key): size \(r.size.map(String.init) ?? "-") ≠ \(m.size)") }
            if r.received != m.receivedMicros { mismatches.append("\(key): received") }
            let status = Self.expectedStatus(m, copies: copies[index] ?? [])
            if r.status != status { mismatches.append("\(key): status \(r.status) ≠ \(status)") }
            let expectedRecipients = Set(((copies[index]?.isEmpty ?? true) ? [m] : copies[index]!).flatMap(\.recipients)
                .filter { $0.status != "discarded" }.map(\.to))
            let recipients = Set(r.recipients.map(\.address))
            if recipients != expectedRecipients { mismatches.append("\(key): recipients \(recipients.sorted()) ≠ \(expectedRecipients.sorted())") }
        }
        #expect(checked == truth.messages.filter { $0.kind != "reinjected" }.count)
        #expect(checked > 1000)
        #expect(Array(mismatches.prefix(20)) == [], "\(mismatches.count) mismatches")
        #expect(records.count == checked, "records for queue files the truth does not list as messages")
    }

    @Test func countsMatchTheTruthsOutcomes() {
        let (truth, records) = Self.generated
        let received = records.filter(\.countsAsReceived).filter { !$0.isNotice }.count
        #expect(received == truth.outcomes.received)
        #expect(records.filter(\.isNotice).count == truth.outcomes.bounceNotices)
        #expect(records.filter { $0.status == .virus }.count == truth.outcomes.infected)
        #expect(records.filter { $0.status == .spam }.count == truth.outcomes.spamBlocked)
    }
}
