/// Turns the simulator's compact records into the public `CorpusTruth`.
struct TruthBuilder {
    let simulator: MailSimulator
    let formatter: CorpusLineFormatter

    func build(byProgram: [Int], byHost: [Int], first: Int64, last: Int64, files: [CorpusTruth.File]) -> CorpusTruth {
        let options = simulator.options
        let recorded = simulator.recorded
        let text = simulator.vocabulary.text
        let seen = first <= last
        func time(_ t: Int64) -> String { TimeText.rfc3339(micros: formatter.loggedTime(t)) }
        func address(_ id: Int32) -> String { id >= 0 ? text.string(id) : "" }

        var programs: [String: Int] = [:]
        for (i, count) in byProgram.enumerated() where count > 0 { programs[MailSimulator.programTags[i]] = count }
        var hosts: [String: Int] = [:]
        for (i, count) in byHost.enumerated() where count > 0 { hosts[MailSimulator.hostNames[i]] = count }

        let t = recorded.tallies
        var rejected: [String: Int] = [:]
        for reason in RejectReason.allCases where t.rejects[Int(reason.rawValue)] > 0 {
            rejected[reason.name] = t.rejects[Int(reason.rawValue)]
        }
        let outcomes = CorpusTruth.Outcomes(
            messages: t.messages, received: t.received, delivered: t.delivered, deferredAttempts: t.deferredAttempts,
            bounced: t.bounced, expired: t.expired, bounceNotices: t.bounceNotices, clean: t.clean,
            spamPassed: t.spamPassed, spamBlocked: t.spamBlocked, infected: t.infected, rejected: rejected,
            imapLogins: t.imapLogins, pop3Logins: t.pop3Logins, failedLogins: t.failedLogins)

        var scratch = ByteWriter(capacity: 256)
        let recipients = recorded.recipients
        let messages = recorded.messages.map { m -> CorpusTruth.Message in
            scratch.removeAll()
            simulator.writeMessageID(m.messageID, into: &scratch)
            let start = Int(m.recipientStart)
            let list = recipients[start..<start + Int(m.recipientCount)].map { r in
                CorpusTruth.Recipient(to: text.string(r.address), status: r.status.name, dsn: r.outcome.dsn.description,
                                      attempts: Int(r.attempts), relay: r.relay.name)
            }
            return CorpusTruth.Message(
                host: m.host.name, queueID: m.queueID.string, messageID: String(decoding: scratch.bytes, as: UTF8.self),
                kind: m.kind.name, from: address(m.sender), size: Int(m.size), received: time(m.received),
                receivedMicros: formatter.loggedTime(m.received),
                removed: m.removed > 0 ? time(m.removed) : nil,
                removedMicros: m.removed > 0 ? formatter.loggedTime(m.removed) : nil,
                parent: m.parent >= 0 ? Int(m.parent) : nil, verdict: m.verdict.name, recipients: list)
        }
        let rejects = recorded.rejects.map { r in
            CorpusTruth.Reject(host: r.host.name, time: time(r.time), client: text.string(r.clientAddress), reason: r.reason.name)
        }
        var truth = CorpusTruth(
            schema: CorpusTruth.schemaName, seed: options.seed, format: options.format.rawValue,
            lines: byProgram.reduce(0, +), bytes: files.reduce(0) { $0 + $1.bytes },
            spanStart: TimeText.rfc3339(micros: options.start), spanEnd: TimeText.rfc3339(micros: options.end),
            timePrecision: options.format == .rfc3164 ? "second" : "microsecond",
            firstTime: seen ? time(first) : nil, lastTime: seen ? time(last) : nil,
            firstTimeMicros: seen ? formatter.loggedTime(first) : nil, lastTimeMicros: seen ? formatter.loggedTime(last) : nil,
            files: files, byProgram: programs, byHost: hosts, outcomes: outcomes, messages: messages, rejects: rejects)
        addScenarios(to: &truth)
        return truth
    }
}
