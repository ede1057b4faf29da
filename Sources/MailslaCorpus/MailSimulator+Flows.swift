/// The flows: each plans every line of one SMTP session, login or job, with
/// its timing, and records its truth. Times are microseconds.
extension MailSimulator {
    // MARK: choosing participants

    /// An index skewed towards the start of `range` (a few clients and users account for most traffic).
    @inline(__always)
    mutating func skewedPick(_ range: Range<Int32>) -> Int32 {
        let u = random.unit()
        return range.lowerBound + Int32(Double(range.count) * u * u)
    }

    @inline(__always)
    mutating func uniformPick(_ range: Range<Int32>) -> Int32 {
        range.lowerBound + Int32(random.below(range.count))
    }

    mutating func pickRemoteClient(_ f: inout Flow) {
        let i = skewedPick(0..<Int32(vocabulary.clientNames.count))
        f.clientName = vocabulary.clientNames.lowerBound + i
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
    }

    mutating func pickUserClient(_ f: inout Flow) {
        let i = uniformPick(0..<Int32(vocabulary.userClientNames.count))
        f.clientName = vocabulary.userClientNames.lowerBound + i
        f.clientAddress = vocabulary.userClientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
    }

    mutating func pickRemoteSender() -> Int32 {
        random.chance(0.45) ? skewedPick(vocabulary.bulkSenders) : skewedPick(vocabulary.remoteAddresses)
    }

    /// 1 recipient mostly, sometimes a few (distinct).
    mutating func pickRecipients(_ f: inout Flow, from pool: Range<Int32>, max: Int) {
        let r = random.below(100)
        let count = min(r < 82 ? 1 : r < 94 ? 2 : 3 + random.below(2), max)
        f.recipientCount = count
        var i = 0
        while i < count {
            let candidate = skewedPick(pool)
            var duplicate = false
            for j in 0..<i where f.recipients[j] == candidate { duplicate = true }
            if !duplicate {
                f.recipients[i] = candidate
                i += 1
            }
        }
    }

    var lmtpTarget: Host { .imap1 }

    /// Makes queue `q` of the flow: its id, envelope and message-id, and records it. Returns the truth index.
    mutating func openQueue(_ f: inout Flow, _ q: Int, host: Host, at time: Int64, kind: MessageKind,
                            sender: Int32, size: Int32, messageID: MessageIDSpec, parent: Int32) -> Int32 {
        let id = newQueueID(host, at: time)
        f.queueIDs[q] = id
        f.received[q] = time
        f.sizes[q] = size
        f.senders[q] = sender
        var spec = messageID
        if spec.style == .postfix { spec.queueID = id }
        f.messageIDs[q] = spec
        var addresses = InlineArray<6, Int32>(repeating: 0)
        let count: Int
        if q == 2 {
            addresses[0] = f.senders[0]
            count = 1
        } else {
            for i in 0..<f.recipientCount { addresses[i] = f.recipients[i] }
            count = f.recipientCount
        }
        f.recipientCounts[q] = count
        return truth.addMessage(host: host, kind: kind, queueID: id, messageID: spec, sender: sender, size: size,
                                received: time, parent: parent, recipients: addresses, count: count)
    }

    /// The address a delivery of queue `q` goes to.
    func recipient(_ f: Flow, _ q: Int, _ i: Int) -> Int32 { q == 2 ? f.senders[0] : f.recipients[i] }

    func isLocal(_ address: Int32) -> Bool {
        vocabulary.localUsers.contains(address) || vocabulary.rootAddresses.contains(address)
    }

    // MARK: inbound mail on an MX

    mutating func planInbound(_ f: inout Flow, at t0: Int64) {
        let host: Host = random.below(2) == 0 ? .mx1 : .mx2
        let h = Int(host.rawValue)
        f.host = host
        pickRemoteClient(&f)
        f.sender = pickRemoteSender()
        pickRecipients(&f, from: vocabulary.localUsers, max: 4)
        f.tls = random.chance(0.7)

        let postscreen = processes[h].postscreen
        add(t0, host, .postscreen, postscreen, .postscreenConnect)
        let passNew = random.chance(0.12)
        var t = t0 + Int64(passNew ? 6_000_000 + random.below(80_000) : 200 + random.below(20_000))
        add(t, host, .postscreen, postscreen, .postscreenPass, arg: passNew ? 1 : 0)
        t += Int64(1000 + random.below(4000))
        let tConnect = t
        let tClient = tConnect + random.skewed(typical: 350_000)
        let size = Int32(800 + random.below(random.chance(0.1) ? 4_000_000 : 60_000))
        let tCleanup = tClient + random.skewed(typical: 150_000) + Int64(size / 20)
        let tActive = tCleanup + Int64(3000 + random.below(40_000))
        let tDisconnect = tActive + Int64(500 + random.below(30_000))
        let smtpd = processes[h].worker(.smtpd, at: tConnect, until: tDisconnect, &random)
        add(tConnect, host, .smtpd, smtpd, .smtpdConnect)

        let style: MessageIDSpec.Style = random.chance(0.6) ? .timestamp : .random
        let mid = MessageIDSpec(style: style, key: random.next(), time: tClient - Int64(random.below(5_000_000)),
                                domain: skewedPick(vocabulary.messageIDDomains.lowerBound..<vocabulary.messageIDDomains.upperBound - 1))
        let m0 = openQueue(&f, 0, host: host, at: tClient, kind: .inbound, sender: f.sender, size: size,
                           messageID: mid, parent: -1)
        add(tClient, host, .smtpd, smtpd, .smtpdClient, arg: 0)
        let cleanup = processes[h].worker(.cleanup, at: tCleanup, until: tCleanup + 20_000, &random)
        add(tCleanup, host, .cleanup, cleanup, .cleanupMessageID, arg: 0)
        add(tActive, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 0)
        add(tDisconnect, host, .smtpd, smtpd, .smtpdDisconnect)

        // The content filter: amavis on 10024, back into Postfix on 10025.
        let r = random.below(1000)
        f.verdict = r < 880 ? .clean : r < 930 ? .spamPassed : r < 988 ? .spamBlocked : .infected
        truth.verdict(m0, f.verdict)
        let tHandOff = tActive + Int64(1000 + random.below(20_000))
        let scan = random.skewed(typical: 900_000) + Int64(size / 200)
        f.scanMillis = Int32(scan / 1000)
        let tBack = tHandOff + scan
        let smtp = processes[h].worker(.smtp, at: tHandOff, until: tBack + 20_000, &random)
        let (amavisPID, request) = processes[h].amavisChild(&random)
        f.amavisPID = amavisPID
        f.amavisRequest = request
        let wait = UInt32((tActive - tClient) / 1000)

        if f.verdict == .spamBlocked || f.verdict == .infected {
            add(tBack, host, .amavis, amavisPID, .amavisVerdict)
            var t = tBack + 1500
            for i in 0..<f.recipientCount {
                t += 100
                add(t, host, .smtp, smtp, .delivery, arg: UInt8(i), detail: DeliveryOutcome.discardedByFilter.rawValue, aux: wait)
                truth.attempt(m0, i, .discardedByFilter)
            }
            add(t + 1000, host, .qmgr, processes[h].qmgr, .qmgrRemoved, arg: 0)
            truth.removed(m0, at: t + 1000)
            return
        }

        let reinject = processes[h].worker(.reinjectSmtpd, at: tBack, until: tBack + 12_000, &random)
        add(tBack, host, .reinjectSmtpd, reinject, .smtpdConnect, detail: 1)
        let m1 = openQueue(&f, 1, host: host, at: tBack + 1500, kind: .reinjected, sender: f.sender,
                           size: size + Int32(700 + random.below(900)), messageID: mid, parent: m0)
        add(tBack + 1500, host, .reinjectSmtpd, reinject, .smtpdClient, arg: 1, detail: 1)
        let cleanup2 = processes[h].worker(.cleanup, at: tBack + 3000, until: tBack + 20_000, &random)
        add(tBack + 3000, host, .cleanup, cleanup2, .cleanupMessageID, arg: 1)
        let tActive1 = tBack + 5000 + Int64(random.below(3000))
        add(tActive1, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 1)
        add(tActive1 + 2000, host, .reinjectSmtpd, reinject, .smtpdDisconnect, detail: 1)
        add(tActive1 + 4000, host, .amavis, amavisPID, .amavisVerdict)
        var tSent = tActive1 + 5000
        for i in 0..<f.recipientCount {
            tSent += 100
            add(tSent, host, .smtp, smtp, .delivery, arg: UInt8(i), detail: DeliveryOutcome.sentToFilter.rawValue, aux: wait)
            truth.attempt(m0, i, .sentToFilter)
        }
        add(tSent + 1000, host, .qmgr, processes[h].qmgr, .qmgrRemoved, arg: 0)
        truth.removed(m0, at: tSent + 1000)

        planDelivery(&f, queue: 1, message: m1, host: host, activeAt: tActive1)
    }

    // MARK: delivery, retries, expiry and bounces

    /// Plans every attempt to deliver queue `q` from `host` until it is removed
    /// (or the span ends with recipients still deferred), including the bounce notice.
    mutating func planDelivery(_ f: inout Flow, queue q: Int, message m: Int32, host: Host, activeAt: Int64) {
        let h = Int(host.rawValue)
        let count = f.recipientCounts[q]
        var pending = InlineArray<6, Bool>(repeating: true)
        var failed = InlineArray<6, Bool>(repeating: false)
        var previous = InlineArray<6, DeliveryOutcome>(repeating: .sentLMTP)
        var roundActive = activeAt
        var t = activeAt
        var round = 0
        while true {
            round += 1
            t = roundActive + Int64(2000 + random.below(40_000))
            let wait = UInt32((roundActive - f.received[q]) / 1000)
            var agent: Program = .smtp
            var agentPID: Int32 = 0
            var remaining = 0
            for i in 0..<count where pending[i] {
                let address = recipient(f, q, i)
                let outcome: DeliveryOutcome
                if vocabulary.rootAddresses.contains(address) {
                    agent = .local
                    outcome = .sentLocal
                } else if isLocal(address) {
                    agent = .lmtp
                    let r = random.below(1000)
                    if round == 1 {
                        outcome = r < 965 ? .sentLMTP : r < 985 ? .deferredQuota : .bouncedQuota
                    } else {
                        outcome = r < 500 ? .sentLMTP : .deferredQuota
                    }
                } else {
                    agent = .smtp
                    let r = random.below(1000)
                    if round == 1 {
                        outcome = r < 920 ? .sentRemote : r < 950 ? .deferredTimeout : r < 980 ? .deferredGreylisted : .bouncedUnknownUser
                    } else if previous[i] == .deferredGreylisted {
                        outcome = r < 950 ? .sentRemote : .deferredGreylisted
                    } else {
                        outcome = r < 550 ? .sentRemote : .deferredTimeout
                    }
                }
                if agentPID == 0 {
                    agentPID = processes[h].worker(agent, at: t, until: t + 400_000, &random)
                }
                t += agent == .smtp ? random.skewed(typical: 350_000) : agent == .lmtp ? random.skewed(typical: 25_000) : 2000
                if outcome == .sentLMTP {
                    let dovecot = processes[Int(lmtpTarget.rawValue)].worker(.lmtp, at: t - 6000, until: t, &random)
                    add(t - Int64(2000 + random.below(3000)), lmtpTarget, .dovecot, dovecot, .dovecotLMTPSaved, arg: UInt8(q << 4 | i))
                }
                add(t, host, agent, agentPID, .delivery, arg: UInt8(q << 4 | i), detail: outcome.rawValue, aux: wait)
                truth.attempt(m, i, outcome)
                previous[i] = outcome
                switch outcome {
                case .deferredTimeout, .deferredGreylisted, .deferredQuota:
                    remaining += 1
                case .bouncedQuota, .bouncedUnknownUser:
                    pending[i] = false
                    failed[i] = true
                default:
                    pending[i] = false
                }
            }
            if remaining == 0 { break }
            // Deferred: the queue manager tries again later, if the span lasts that long.
            let retry = t + (round == 1 ? Int64(300 + random.below(600)) : Int64(900 + random.below(2700))) * 1_000_000
            if round == 3 {
                t += 1000
                add(t, host, .qmgr, processes[h].qmgr, .qmgrExpired, arg: UInt8(q))
                for i in 0..<count where pending[i] {
                    pending[i] = false
                    failed[i] = true
                    truth.expire(m, i)
                }
                break
            }
            if retry + 120_000_000 > deadline { return }  // still deferred when the log ends: never removed
            roundActive = retry
            add(retry, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: UInt8(q))
        }
        var anyFailed = false
        for i in 0..<count where failed[i] { anyFailed = true }
        if anyFailed, f.senders[q] >= 0, q != 2 {
            t = planBounceNotice(&f, parent: q, parentMessage: m, host: host, at: t + 1000)
        }
        add(t + 1000, host, .qmgr, processes[h].qmgr, .qmgrRemoved, arg: UInt8(q))
        truth.removed(m, at: t + 1000)
    }

    /// The non-delivery notice for queue `parent`: cleanup, bounce, queue manager, then its own delivery.
    /// Returns the time just before the parent may be removed.
    mutating func planBounceNotice(_ f: inout Flow, parent q: Int, parentMessage: Int32, host: Host, at t: Int64) -> Int64 {
        let h = Int(host.rawValue)
        let mid = MessageIDSpec(style: .postfix, key: 0, time: t, domain: vocabulary.hostFQDNs.lowerBound + Int32(host.rawValue))
        let m2 = openQueue(&f, 2, host: host, at: t, kind: .bounce, sender: -1,
                           size: f.sizes[q] / 4 + Int32(2000 + random.below(2000)), messageID: mid, parent: parentMessage)
        let cleanup = processes[h].worker(.cleanup, at: t, until: t + 20_000, &random)
        add(t, host, .cleanup, cleanup, .cleanupMessageID, arg: 2)
        let bounce = processes[h].worker(.bounce, at: t, until: t + 20_000, &random)
        add(t + 2000, host, .bounce, bounce, .bounceNotice, arg: UInt8(q))
        add(t + 4000, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 2)
        planDelivery(&f, queue: 2, message: m2, host: host, activeAt: t + 4000)
        return t + 4500
    }

    // MARK: submission and outbound relay

    mutating func planSubmission(_ f: inout Flow, at t0: Int64) {
        let host = Host.smtp1
        let h = Int(host.rawValue)
        f.host = host
        pickUserClient(&f)
        f.sender = skewedPick(vocabulary.localUsers)
        pickRecipients(&f, from: vocabulary.remoteAddresses, max: 5)
        f.tls = true
        let tClient = t0 + random.skewed(typical: 700_000)
        let size = Int32(1200 + random.below(random.chance(0.15) ? 8_000_000 : 80_000))
        let tCleanup = tClient + random.skewed(typical: 200_000) + Int64(size / 10)
        let tActive = tCleanup + Int64(3000 + random.below(30_000))
        let tDisconnect = tActive + Int64(500 + random.below(20_000))
        let smtpd = processes[h].worker(.submissionSmtpd, at: t0, until: tDisconnect, &random)
        add(t0, host, .submissionSmtpd, smtpd, .smtpdConnect, detail: 2)
        let mid = MessageIDSpec(style: .random, key: random.next(), time: tClient, domain: vocabulary.messageIDDomains.upperBound - 1)
        let m0 = openQueue(&f, 0, host: host, at: tClient, kind: .submission, sender: f.sender, size: size,
                           messageID: mid, parent: -1)
        add(tClient, host, .submissionSmtpd, smtpd, .smtpdClient, arg: 0, detail: 2)
        let cleanup = processes[h].worker(.cleanup, at: tCleanup, until: tCleanup + 20_000, &random)
        add(tCleanup, host, .cleanup, cleanup, .cleanupMessageID, arg: 0)
        add(tActive, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 0)
        add(tDisconnect, host, .submissionSmtpd, smtpd, .smtpdDisconnect, detail: 2)
        planDelivery(&f, queue: 0, message: m0, host: host, activeAt: tActive)
    }

    // MARK: rejects

    mutating func planReject(_ f: inout Flow, at t0: Int64) {
        let host: Host = random.below(2) == 0 ? .mx1 : .mx2
        let h = Int(host.rawValue)
        f.host = host
        // Rejected clients come from the long tail, and are more often nameless.
        let i = Int32(random.below(vocabulary.clientNames.count))
        f.clientName = vocabulary.clientNames.lowerBound + i
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
        f.sender = pickRemoteSender()
        let unnamed = vocabulary.text.length(f.clientName) == 7  // "unknown"
        let r = random.below(100)
        f.reject = unnamed && r < 30 ? .unknownClient : r < 35 ? .relayDenied : r < 65 ? .unknownUser : r < 82 ? .blocklisted : .badHelo
        f.recipientCount = 1
        switch f.reject {
        case .relayDenied: f.recipients[0] = uniformPick(vocabulary.remoteAddresses)
        case .unknownUser: f.recipients[0] = uniformPick(vocabulary.unknownLocalUsers)
        default: f.recipients[0] = skewedPick(vocabulary.localUsers)
        }
        f.user = uniformPick(vocabulary.badHelos)
        let postscreen = processes[h].postscreen
        add(t0, host, .postscreen, postscreen, .postscreenConnect)
        var t = t0 + Int64(200 + random.below(20_000))
        add(t, host, .postscreen, postscreen, .postscreenPass, arg: 0)
        t += Int64(1000 + random.below(4000))
        let tReject = t + random.skewed(typical: 400_000)
        let tDisconnect = tReject + Int64(5000 + random.below(60_000))
        let smtpd = processes[h].worker(.smtpd, at: t, until: tDisconnect, &random)
        add(t, host, .smtpd, smtpd, .smtpdConnect)
        add(tReject, host, .smtpd, smtpd, .smtpdReject)
        add(tDisconnect, host, .smtpd, smtpd, .smtpdDisconnect, detail: 3)
        truth.reject(host: host, time: tReject, clientAddress: f.clientAddress, reason: f.reject)
    }

    mutating func planPostscreenDrop(_ f: inout Flow, at t0: Int64) {
        let host: Host = random.below(2) == 0 ? .mx1 : .mx2
        let h = Int(host.rawValue)
        f.host = host
        let i = Int32(random.below(vocabulary.clientNames.count))
        f.clientName = vocabulary.clientNames.lowerBound + i
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
        let postscreen = processes[h].postscreen
        add(t0, host, .postscreen, postscreen, .postscreenConnect)
        if random.chance(0.5) {
            f.reject = .pregreet
            let t = t0 + Int64(50_000 + random.below(300_000))
            add(t, host, .postscreen, postscreen, .postscreenPregreet, aux: UInt32((t - t0) / 10_000))
            add(t + Int64(1000 + random.below(5000)), host, .postscreen, postscreen, .postscreenDisconnect)
            truth.reject(host: host, time: t, clientAddress: f.clientAddress, reason: .pregreet)
        } else {
            f.reject = .postscreenBlocklisted
            f.sender = pickRemoteSender()
            f.recipientCount = 1
            f.recipients[0] = skewedPick(vocabulary.localUsers)
            f.user = uniformPick(vocabulary.badHelos)
            let t = t0 + Int64(20_000 + random.below(200_000))
            add(t, host, .postscreen, postscreen, .postscreenDNSBL, aux: UInt32(3 + random.below(6)))
            let tReject = t0 + 6_000_000 + Int64(random.below(2_000_000))
            add(tReject, host, .postscreen, postscreen, .postscreenReject)
            add(tReject + Int64(1000 + random.below(300_000)), host, .postscreen, postscreen, .postscreenDisconnect)
            truth.reject(host: host, time: tReject, clientAddress: f.clientAddress, reason: .postscreenBlocklisted)
        }
    }

    // MARK: local mail from cron

    mutating func planCronMail(_ f: inout Flow, at t0: Int64) {
        let host = Host.allCases[random.below(Host.allCases.count)]
        let h = Int(host.rawValue)
        f.host = host
        let cron = processes[h].newPID(&random)
        f.user = uniformPick(vocabulary.cronCommands)
        add(t0, host, .cron, cron, .cronSessionOpened)
        add(t0 + 800, host, .cron, cron, .cronCommand)
        let root = vocabulary.rootAddresses.lowerBound + Int32(host.rawValue)
        f.sender = root
        f.recipientCount = 1
        f.recipients[0] = root
        let tPickup = t0 + Int64(500_000 + random.below(20_000_000))
        let mid = MessageIDSpec(style: .postfix, key: 0, time: tPickup, domain: vocabulary.hostFQDNs.lowerBound + Int32(host.rawValue))
        let m0 = openQueue(&f, 0, host: host, at: tPickup, kind: .local, sender: root,
                           size: Int32(600 + random.below(4000)), messageID: mid, parent: -1)
        truth.setOriginalRoot(m0, 0)
        add(tPickup, host, .pickup, processes[h].pickup, .pickupUID, arg: 0)
        let cleanup = processes[h].worker(.cleanup, at: tPickup, until: tPickup + 20_000, &random)
        add(tPickup + 2000, host, .cleanup, cleanup, .cleanupMessageID, arg: 0)
        add(tPickup + 5000, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 0)
        add(tPickup + 5500, host, .cron, cron, .cronSessionClosed)
        planDelivery(&f, queue: 0, message: m0, host: host, activeAt: tPickup + 5000)
    }

    // MARK: Dovecot

    mutating func planMailboxSession(_ f: inout Flow, imap: Bool, at t0: Int64) {
        let host = lmtpTarget
        f.host = host
        pickUserClient(&f)
        f.user = skewedPick(vocabulary.localUsers)
        f.processID = processes[Int(host.rawValue)].newPID(&random)
        let dovecot = processes[Int(host.rawValue)].dovecot
        add(t0, host, .dovecot, dovecot, .dovecotLogin, arg: imap ? 1 : 0)
        let length = imap ? random.skewed(typical: 240_000_000) : random.skewed(typical: 1_500_000)
        let end = min(t0 + length, deadline)
        add(max(end, t0 + 1000), host, .dovecot, dovecot, .dovecotLogout, arg: imap ? 1 : 0, aux: UInt32(random.below(1 << 20)))
        truth.login(imap: imap)
    }

    mutating func planAuthFailure(_ f: inout Flow, at t0: Int64) {
        let host = lmtpTarget
        f.host = host
        let i = Int32(random.below(vocabulary.clientNames.count))
        f.clientName = vocabulary.clientNames.lowerBound + i
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.user = random.chance(0.6) ? uniformPick(vocabulary.unknownLocalUsers) : skewedPick(vocabulary.localUsers)
        add(t0, host, .dovecot, processes[Int(host.rawValue)].dovecot, .dovecotAuthFailed, arg: random.chance(0.7) ? 1 : 0,
            aux: UInt32(1 + random.below(3)) << 8 | UInt32(1 + random.below(20)))
        truth.failedLogin()
    }

    // MARK: noise

    mutating func planSSH(_ f: inout Flow, at t0: Int64) {
        let host = Host.allCases[random.below(Host.allCases.count)]
        let h = Int(host.rawValue)
        let sshd = processes[h].newPID(&random)
        let i = Int32(random.below(vocabulary.clientAddresses.count))
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
        if random.chance(0.6) {
            f.user = uniformPick(vocabulary.invalidSSHUsers)
            add(t0, host, .sshd, sshd, .sshInvalidUser)
            add(t0 + Int64(100_000 + random.below(2_000_000)), host, .sshd, sshd, .sshClosedPreauth)
        } else {
            f.user = uniformPick(vocabulary.sshUsers)
            f.clientAddress = vocabulary.userClientAddresses.lowerBound + Int32(random.below(4))
            add(t0, host, .sshd, sshd, .sshAccepted)
            add(t0 + 9000, host, .sshd, sshd, .sshSessionOpened)
            let end = min(t0 + random.skewed(typical: 300_000_000), deadline - 2000)
            add(max(end, t0 + 10_000), host, .sshd, sshd, .sshDisconnected)
            add(max(end, t0 + 10_000) + 1000, host, .sshd, sshd, .sshSessionClosed)
        }
    }

    mutating func planCron(_ f: inout Flow, at t0: Int64) {
        let host = Host.allCases[random.below(Host.allCases.count)]
        let cron = processes[Int(host.rawValue)].newPID(&random)
        f.user = uniformPick(vocabulary.cronCommands)
        add(t0, host, .cron, cron, .cronSessionOpened)
        add(t0 + 700, host, .cron, cron, .cronCommand)
        add(t0 + Int64(20_000 + random.below(3_000_000)), host, .cron, cron, .cronSessionClosed)
    }

    mutating func planAnvil(_ f: inout Flow, at t0: Int64) {
        let host: Host = random.below(2) == 0 ? .mx1 : .mx2
        let anvil = processes[Int(host.rawValue)].anvil
        pickRemoteClient(&f)
        add(t0, host, .anvil, anvil, .anvilRate, aux: UInt32(1 + random.below(4)))
        add(t0 + 100, host, .anvil, anvil, .anvilCount, aux: UInt32(1 + random.below(3)))
        add(t0 + 200, host, .anvil, anvil, .anvilCache, aux: UInt32(1 + random.below(12)))
    }

    /// One line, to fill the last few lines of the budget exactly.
    mutating func planOneLine(_ f: inout Flow, at t0: Int64) {
        let host = Host.allCases[random.below(Host.allCases.count)]
        let h = Int(host.rawValue)
        if random.chance(0.5) {
            let i = Int32(random.below(vocabulary.clientAddresses.count))
            f.clientAddress = vocabulary.clientAddresses.lowerBound + i
            f.clientPort = Int32(1024 + random.below(64_000))
            add(t0, host, .sshd, processes[h].newPID(&random), .sshClosedPreauth, arg: 1)
        } else {
            f.user = uniformPick(vocabulary.cronCommands)
            add(t0, host, .cron, processes[h].newPID(&random), .cronCommand)
        }
    }
}
