/// Injected attacks and look-alikes: flows the simulator starts at planned
/// times, on top of the background traffic.
///
/// Each connection, login attempt, message or warning of a scenario is one
/// flow, started through `startExtraFlow` when its time comes, so its lines
/// interleave with the background in time order and its messages enter the
/// truth like any other. Scenario flows draw from the runner's own random
/// stream (swapped in while they are planned), so the background's flows,
/// times and outcomes are the same with or without scenarios (its pids and
/// queue ids may differ: the processes and inode counters are shared, as on
/// a real host).
///
/// Attack lines are built from the daemons' formats (shared/corpus/EVENTS.md,
/// Postfix postscreen.c, smtpd_sasl_glue.c, master_avail.c, Linux tcp_input.c,
/// Dovecot login-common): built lines, not copied from real logs.
struct ScenarioRunner {
    /// What one scheduled flow is.
    enum What: UInt8 {
        case floodConnection, networkConnection, saslAttempt, imapAttempt, bombMessage, kernelSynFlood, masterWarning
        case monitorCheck, newsletterMessage
    }

    struct Pending {
        var time: Int64
        var what: What
        /// Index into `truth` (attacks) or `lookalikes`.
        var entry: Int32
        /// Which address of a network, which newsletter recipient.
        var index: Int32
    }

    /// One truth entry as the lines wrote it.
    struct Entry {
        var kind: String
        var scenario: String
        var host: Host
        var offender: String
        var offenderType: String
        var first = Int64.max
        var last = Int64.min
        var lines = 0
        /// Connections, attempts, messages or warnings.
        var events = 0
    }

    let plan: ScenarioPlan
    let words: ScenarioWords
    var random: CorpusRandom
    private(set) var pending: [Pending] = []
    private(set) var cursor = 0
    var attacks: [Entry] = []
    var lookalikes: [Entry] = []
    /// The entry whose lines are being planned, and whether it is a look-alike.
    var current = -1
    var currentIsLookalike = false
    /// The master process of each host (long-lived, started at boot: a low pid).
    let masterPIDs: [Int32]
    /// The mail-bomb victim (text id in the background vocabulary) per attack entry.
    var victims: [Int32: Int32] = [:]

    /// Throws `CorpusError.invalidOptions` when the attacks do not fit in the span
    /// (`CorpusOptions.validate()` has checked that already).
    init(options: CorpusOptions, vocabulary: Vocabulary) throws(CorpusError) {
        plan = try ScenarioPlan(options: options)
        words = ScenarioWords()
        random = CorpusRandom(seed: plan.seed ^ 0x666C_6F77)
        masterPIDs = Host.allCases.map { Int32(700 + Int($0.rawValue) * 211 + 17) }
        let second: Int64 = 1_000_000
        var list: [Pending] = []

        for attack in plan.attacks {
            let e = Int32(attacks.count)
            let offender: (String, String)
            switch attack.kind {
            case .connFlood: offender = (words.text.string(words.floodAddress), "ip")
            case .networkFlood: offender = ("203.0.113.0/24", "network")
            case .authFast: offender = (words.text.string(words.fastAddress), "ip")
            case .authSlow: offender = (words.text.string(words.slowAddress), "ip")
            case .mailbomb:
                let victim = vocabulary.localUsers.lowerBound + Int32(100 + random.below(150))
                victims[e] = victim
                offender = (vocabulary.text.string(victim), "recipient")
            case .synFlood: offender = ("port 25", "port")
            }
            let kind: String = switch attack.kind {
            case .connFlood, .networkFlood: "conn_flood"
            case .authFast, .authSlow: "auth_bruteforce"
            case .mailbomb: "mailbomb"
            case .synFlood: "syn_flood"
            }
            attacks.append(Entry(kind: kind, scenario: attack.kind.rawValue, host: attack.host,
                                 offender: offender.0, offenderType: offender.1))
            var t = attack.start
            switch attack.kind {
            case .connFlood:
                while t <= attack.end {
                    list.append(Pending(time: t, what: .floodConnection, entry: e, index: 0))
                    t += Int64(1_200_000 + random.below(1_600_000))
                }
            case .networkFlood:
                for address in 0..<Int32(words.networkAddresses.count) {
                    t = attack.start + Int64(random.below(60)) * second + Int64(random.below(1_000_000))
                    while t <= attack.end {
                        list.append(Pending(time: t, what: .networkConnection, entry: e, index: address))
                        t += Int64(45 + random.below(31)) * second + Int64(random.below(1_000_000))
                    }
                }
            case .authFast:
                while t <= attack.end {
                    list.append(Pending(time: t, what: .saslAttempt, entry: e, index: 0))
                    t += Int64(5 + random.below(5)) * second + Int64(random.below(1_000_000))
                }
            case .authSlow:
                while t <= attack.end {
                    list.append(Pending(time: t, what: .imapAttempt, entry: e, index: 0))
                    t += Int64(25 * 60 + random.below(10 * 60)) * second
                }
            case .mailbomb:
                while t <= attack.end {
                    list.append(Pending(time: t, what: .bombMessage, entry: e, index: 0))
                    t += Int64(2 + random.below(3)) * second + Int64(random.below(1_000_000))
                }
            case .synFlood:
                while t <= attack.end {
                    list.append(Pending(time: t, what: .kernelSynFlood, entry: e, index: 0))
                    t += 60 * second + Int64(random.below(2_000_000))
                }
                // The master warns when the limit is hit, then at most once per 1000 s while it lasts.
                let limits = Int32(attacks.count)
                attacks.append(Entry(kind: "resource_exhaustion", scenario: attack.kind.rawValue, host: attack.host,
                                     offender: "smtp", offenderType: "service"))
                t = attack.start + 20 * second
                while t <= attack.end {
                    list.append(Pending(time: t, what: .masterWarning, entry: limits, index: 0))
                    t += 1000 * second
                }
            }
        }

        let span = (start: options.start, end: options.end)
        for kind in options.scenarios.lookalikes {
            switch kind {
            case .monitor:
                let e = Int32(lookalikes.count)
                lookalikes.append(Entry(kind: "monitor", scenario: "monitor", host: .mx1,
                                        offender: words.text.string(words.monitorAddress), offenderType: "ip"))
                var t = span.start + 30 * second
                while t < span.end - 120 * second {
                    list.append(Pending(time: t + Int64(random.below(4_000_000)), what: .monitorCheck, entry: e, index: 0))
                    t += 60 * second
                }
            case .newsletter:
                let day: Int64 = 86_400 * second
                var midnight = span.start - span.start % day
                while midnight < span.end {
                    let t0 = midnight + 7 * 3600 * second + Int64(random.below(40 * 60)) * second
                    if t0 >= span.start + 600 * second, t0 + 3600 * second < span.end {
                        let e = Int32(lookalikes.count)
                        lookalikes.append(Entry(kind: "newsletter", scenario: "newsletter", host: .mx2,
                                                offender: vocabulary.text.string(ScenarioWords.newsletterSender(vocabulary)),
                                                offenderType: "sender"))
                        // It goes out over about ten minutes, whatever its size.
                        let n = options.scenarios.newsletterRecipients
                        let spacing = 600 * second / Int64(n)
                        var t = t0
                        for i in 0..<Int32(n) {
                            list.append(Pending(time: t, what: .newsletterMessage, entry: e, index: i))
                            t += spacing / 2 + Int64(random.below(Int(spacing)))
                        }
                    }
                    midnight += day
                }
            }
        }
        // Stable by time: equal times keep the order they were planned in.
        pending = list.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    var nextStart: Int64? { cursor < pending.count ? pending[cursor].time : nil }

    mutating func take() -> Pending {
        cursor += 1
        return pending[cursor - 1]
    }

    /// Widens the current entry's first and last time to `time`.
    mutating func mark(_ time: Int64) {
        guard current >= 0 else { return }
        if currentIsLookalike { widen(&lookalikes[current], time) } else { widen(&attacks[current], time) }
    }

    /// Counts the lines of a flow just planned for `item`.
    mutating func count(lines: Int, of item: Pending) {
        let isLookalike = item.what == .monitorCheck || item.what == .newsletterMessage
        if isLookalike { lookalikes[Int(item.entry)].lines += lines } else { attacks[Int(item.entry)].lines += lines }
    }

    private func widen(_ entry: inout Entry, _ time: Int64) {
        if time < entry.first { entry.first = time }
        if time > entry.last { entry.last = time }
    }
}

/// The strings only scenarios write (attackers, the monitor, guessed user
/// names), in their own table: the background's vocabulary stays as it is.
/// Documentation addresses only (RFC 5737).
struct ScenarioWords {
    let text: TextTable
    let floodAddress: Int32
    let networkAddresses: Range<Int32>
    let fastAddress: Int32
    let slowAddress: Int32
    let monitorAddress: Int32
    let monitorName: Int32
    let unknown: Int32
    let guessedLogins: Range<Int32>
    let guessedUsers: Range<Int32>
    let pregreets: Range<Int32>
    /// The byte count postscreen reports for each pregreet payload.
    static let pregreetBytes = [11, 14, 22]
    let helos: Range<Int32>

    init() {
        var b = TextTable.Builder()
        floodAddress = b.add("198.51.100.66")
        networkAddresses = b.add((160...223).map { "203.0.113.\($0)" })
        fastAddress = b.add("198.51.100.77")
        // Remote clients the background also uses (attackers have a history); not a user's home address.
        slowAddress = b.add("198.51.100.88")
        monitorAddress = b.add("192.0.2.250")
        monitorName = b.add("monitor.example.com")
        unknown = b.add("unknown")
        guessedLogins = b.add(["admin@example.com", "info@example.com", "sales@example.com", "office@example.com",
                               "test@example.com", "postmaster@example.com", "webmaster@example.com", "contact@example.com"])
        guessedUsers = b.add(["admin", "info", "test", "user", "office", "support"])
        // postscreen logs the bytes it got (CR LF escaped) and how many there were.
        pregreets = b.add(["EHLO User\\r\\n", "EHLO ylmf-pc\\r\\n", "HELO WIN-9QL4SDRB93L\\r\\n"])
        helos = b.add(["User", "ylmf-pc", "WIN-9QL4SDRB93L"])
        text = TextTable(b)
    }

    /// The newsletter's sender: a bulk sender the background uses rarely.
    static func newsletterSender(_ v: Vocabulary) -> Int32 { v.bulkSenders.upperBound - 1 }
}

/// What a scenario step says (`Step.detail` of a `.scenario` step).
enum ScenarioLine: UInt8 {
    case psConnect, psPregreet, psDNSBL, psHangupAfter, psHangupBefore, psPassOld, psReject, psDisconnect
    case smtpdConnect, smtpdLostAfterConnect, smtpdLostAfterAuth, smtpdDisconnectNothing, smtpdDisconnectAuth
    case smtpdDisconnectAuthLost, smtpdDisconnectMonitor, saslFailed
    case dovecotAuthFailed
    case kernelSynFlood, masterProcessLimit, masterAdvice, masterStress
}

extension MailSimulator {
    /// Starts every scenario flow due before the next line; called by `next()` before it pops.
    mutating func startDueScenarioFlows() {
        while let t = scenario!.nextStart, t <= (nextLineTime ?? .max) {
            let item = scenario!.take()
            // The scenario's own random stream, so the background's stays as without scenarios.
            var background = scenario!.random
            swap(&random, &background)
            let lines = startExtraFlow { sim, flow in sim.planScenario(&flow, item) }
            scenario!.count(lines: lines, of: item)
            swap(&random, &background)
            scenario!.random = background
        }
    }

    private mutating func planScenario(_ f: inout Flow, _ item: ScenarioRunner.Pending) {
        f.key = random.next()
        let isLookalike = item.what == .monitorCheck || item.what == .newsletterMessage
        scenario!.current = Int(item.entry)
        scenario!.currentIsLookalike = isLookalike
        if isLookalike { scenario!.lookalikes[Int(item.entry)].events += 1 } else { scenario!.attacks[Int(item.entry)].events += 1 }
        let t = item.time
        let words = scenario!.words
        switch item.what {
        case .floodConnection:
            f.host = .mx1
            f.clientAddress = words.floodAddress
            planBotConnection(&f, at: t, pregreet: random.chance(0.7))
        case .networkConnection:
            f.host = .mx2
            f.clientAddress = words.networkAddresses.lowerBound + item.index
            f.clientName = words.unknown
            if random.chance(0.5) {
                planBotHangup(&f, at: t)
            } else {
                planLostAfterConnect(&f, at: t)
            }
        case .saslAttempt:
            planSASLAttempt(&f, at: t)
        case .imapAttempt:
            planIMAPAttempt(&f, at: t)
        case .bombMessage:
            let victim = scenario!.victims[item.entry]!
            let i = Int32(random.below(vocabulary.clientNames.count))
            planArrival(&f, host: .mx1, client: i, sender: pickRemoteSender(), recipient: victim, at: t)
        case .kernelSynFlood:
            f.host = .mx2
            scenarioLine(t, .mx2, .kernel, 0, .kernelSynFlood)
        case .masterWarning:
            f.host = .mx2
            let pid = scenario!.masterPIDs[Int(Host.mx2.rawValue)]
            scenarioLine(t, .mx2, .master, pid, .masterProcessLimit)
            scenarioLine(t, .mx2, .master, pid, .masterAdvice)
            scenarioLine(t, .mx2, .master, pid, .masterStress)
        case .monitorCheck:
            planMonitorCheck(&f, at: t)
        case .newsletterMessage:
            let sender = ScenarioWords.newsletterSender(vocabulary)
            let client = newsletterClient
            let recipient = vocabulary.localUsers.lowerBound + item.index
            planArrival(&f, host: .mx2, client: client, sender: sender, recipient: recipient, at: t)
        }
        scenario!.current = -1
    }

    /// The remote client the newsletter comes from: the first bulk mailer host of the vocabulary.
    private var newsletterClient: Int32 {
        let names = vocabulary.clientNames
        for id in names where vocabulary.text.string(id).hasPrefix("bounce") { return id - names.lowerBound }
        return 0
    }

    /// Adds one scenario step (its text written by `writeScenario`) and counts it for the current entry.
    private mutating func scenarioLine(_ time: Int64, _ host: Host, _ program: Program, _ pid: Int32, _ line: ScenarioLine,
                                       aux: UInt32 = 0) {
        add(time, host, program, pid, .scenario, detail: line.rawValue, aux: aux)
        scenario!.mark(time)
    }

    // MARK: attack flows

    /// A postscreen bot that pregreets or is listed: CONNECT, [PREGREET,] DNSBL rank
    /// at the end of the greet wait, then HANGUP or an RBL reject, DISCONNECT.
    private mutating func planBotConnection(_ f: inout Flow, at t0: Int64, pregreet: Bool) {
        let h = f.host
        let pid = processes[Int(h.rawValue)].postscreen
        f.clientPort = Int32(1024 + random.below(64_000))
        f.user = Int32(random.below(ScenarioWords.pregreetBytes.count))
        scenarioLine(t0, h, .postscreen, pid, .psConnect)
        if pregreet {
            let after = 5 + random.below(35)
            scenarioLine(t0 + Int64(after) * 10_000, h, .postscreen, pid, .psPregreet, aux: UInt32(after))
        }
        // postscreen_greet_wait (6 s) ends: the DNSBL score is in.
        let tWait = t0 + 6_000_000 + Int64(random.below(20_000))
        scenarioLine(tWait, h, .postscreen, pid, .psDNSBL, aux: UInt32(2 + random.below(4)))
        if pregreet || random.chance(0.3) {
            let tHangup = tWait + Int64(100_000 + random.below(1_500_000))
            scenarioLine(tHangup, h, .postscreen, pid, .psHangupAfter, aux: UInt32((tHangup - t0) / 100_000))
            scenarioLine(tHangup + 200, h, .postscreen, pid, .psDisconnect)
        } else {
            f.sender = skewedPick(vocabulary.remoteAddresses)
            f.recipientCount = 1
            f.recipients[0] = uniformPick(vocabulary.localUsers)
            let tReject = tWait + Int64(400_000 + random.below(1_500_000))
            scenarioLine(tReject, h, .postscreen, pid, .psReject)
            scenarioLine(tReject + Int64(1000 + random.below(300_000)), h, .postscreen, pid, .psDisconnect)
        }
    }

    /// A bot that gives up during postscreen's greet wait.
    private mutating func planBotHangup(_ f: inout Flow, at t0: Int64) {
        let h = f.host
        let pid = processes[Int(h.rawValue)].postscreen
        f.clientPort = Int32(1024 + random.below(64_000))
        scenarioLine(t0, h, .postscreen, pid, .psConnect)
        let tHangup = t0 + Int64(1_000_000 + random.below(4_000_000))
        scenarioLine(tHangup, h, .postscreen, pid, .psHangupBefore, aux: UInt32((tHangup - t0) / 100_000))
        scenarioLine(tHangup + 200, h, .postscreen, pid, .psDisconnect)
    }

    /// A bot that postscreen passes (it passed before) and that drops the smtpd session at once.
    private mutating func planLostAfterConnect(_ f: inout Flow, at t0: Int64) {
        let h = f.host
        let hp = Int(h.rawValue)
        f.clientPort = Int32(1024 + random.below(64_000))
        scenarioLine(t0, h, .postscreen, processes[hp].postscreen, .psConnect)
        scenarioLine(t0 + Int64(300 + random.below(20_000)), h, .postscreen, processes[hp].postscreen, .psPassOld)
        let tConnect = t0 + Int64(25_000 + random.below(5000))
        let tLost = tConnect + Int64(200_000 + random.below(3_000_000))
        let smtpd = processes[hp].worker(.smtpd, at: tConnect, until: tLost + 1000, &random)
        scenarioLine(tConnect, h, .smtpd, smtpd, .smtpdConnect)
        scenarioLine(tLost, h, .smtpd, smtpd, .smtpdLostAfterConnect)
        scenarioLine(tLost + 300, h, .smtpd, smtpd, .smtpdDisconnectNothing)
    }

    /// One guessed password on submission: connect, the SASL failure, then QUIT or a dropped connection.
    private mutating func planSASLAttempt(_ f: inout Flow, at t0: Int64) {
        let words = scenario!.words
        f.host = .smtp1
        f.clientAddress = words.fastAddress
        f.clientName = words.unknown
        f.user = words.guessedLogins.lowerBound + Int32(random.below(words.guessedLogins.count))
        let tFail = t0 + Int64(300_000 + random.below(900_000))
        let tEnd = tFail + Int64(100_000 + random.below(200_000))
        let smtpd = processes[Int(Host.smtp1.rawValue)].worker(.submissionSmtpd, at: t0, until: tEnd + 1000, &random)
        scenarioLine(t0, .smtp1, .submissionSmtpd, smtpd, .smtpdConnect)
        scenarioLine(tFail, .smtp1, .submissionSmtpd, smtpd, .saslFailed)
        if random.chance(0.6) {
            scenarioLine(tEnd, .smtp1, .submissionSmtpd, smtpd, .smtpdDisconnectAuth)
        } else {
            scenarioLine(tEnd, .smtp1, .submissionSmtpd, smtpd, .smtpdLostAfterAuth)
            scenarioLine(tEnd + 300, .smtp1, .submissionSmtpd, smtpd, .smtpdDisconnectAuthLost)
        }
    }

    /// One guessed IMAP password, logged by Dovecot's login process.
    private mutating func planIMAPAttempt(_ f: inout Flow, at t0: Int64) {
        let words = scenario!.words
        f.host = .imap1
        f.clientAddress = words.slowAddress
        f.user = words.guessedUsers.lowerBound + Int32(random.below(words.guessedUsers.count))
        scenarioLine(t0, .imap1, .dovecot, processes[Int(Host.imap1.rawValue)].dovecot, .dovecotAuthFailed,
                     aux: UInt32(2 + random.below(6)))
    }

    // MARK: look-alike flows

    /// The monitor's check: postscreen knows it (PASS OLD), smtpd sees EHLO and QUIT.
    private mutating func planMonitorCheck(_ f: inout Flow, at t0: Int64) {
        let words = scenario!.words
        f.host = .mx1
        f.clientAddress = words.monitorAddress
        f.clientName = words.monitorName
        f.clientPort = Int32(1024 + random.below(64_000))
        let h = Int(Host.mx1.rawValue)
        scenarioLine(t0, .mx1, .postscreen, processes[h].postscreen, .psConnect)
        scenarioLine(t0 + Int64(200 + random.below(3000)), .mx1, .postscreen, processes[h].postscreen, .psPassOld)
        let tConnect = t0 + Int64(5000 + random.below(3000))
        let tEnd = tConnect + Int64(40_000 + random.below(200_000))
        let smtpd = processes[h].worker(.smtpd, at: tConnect, until: tEnd + 1000, &random)
        scenarioLine(tConnect, .mx1, .smtpd, smtpd, .smtpdConnect)
        scenarioLine(tEnd, .mx1, .smtpd, smtpd, .smtpdDisconnectMonitor)
    }

    /// One accepted message from `client` (index into the vocabulary's remote clients)
    /// to one local `recipient` on an MX, through postscreen, smtpd, amavis (clean)
    /// and LMTP: the background's inbound flow with chosen participants.
    private mutating func planArrival(_ f: inout Flow, host: Host, client i: Int32, sender: Int32, recipient: Int32,
                                      at t0: Int64) {
        let h = Int(host.rawValue)
        f.host = host
        f.clientName = vocabulary.clientNames.lowerBound + i
        f.clientAddress = vocabulary.clientAddresses.lowerBound + i
        f.clientPort = Int32(1024 + random.below(64_000))
        f.sender = sender
        f.recipientCount = 1
        f.recipients[0] = recipient
        f.tls = random.chance(0.7)

        let postscreen = processes[h].postscreen
        add(t0, host, .postscreen, postscreen, .postscreenConnect)
        var t = t0 + Int64(200 + random.below(20_000))
        add(t, host, .postscreen, postscreen, .postscreenPass, arg: 0)
        t += Int64(1000 + random.below(4000))
        let tConnect = t
        let tClient = tConnect + random.skewed(typical: 350_000)
        let size = Int32(3000 + random.below(40_000))
        let tCleanup = tClient + random.skewed(typical: 150_000) + Int64(size / 20)
        let tActive = tCleanup + Int64(3000 + random.below(40_000))
        let tDisconnect = tActive + Int64(500 + random.below(30_000))
        let smtpd = processes[h].worker(.smtpd, at: tConnect, until: tDisconnect, &random)
        add(tConnect, host, .smtpd, smtpd, .smtpdConnect)
        let mid = MessageIDSpec(style: random.chance(0.6) ? .timestamp : .random, key: random.next(),
                                time: tClient - Int64(random.below(5_000_000)),
                                domain: skewedPick(vocabulary.messageIDDomains.lowerBound..<vocabulary.messageIDDomains.upperBound - 1))
        let m0 = openQueue(&f, 0, host: host, at: tClient, kind: .inbound, sender: sender, size: size, messageID: mid, parent: -1)
        add(tClient, host, .smtpd, smtpd, .smtpdClient, arg: 0)
        // A message's arrival marks the start and end of a mail bomb or a newsletter (a late retry does not).
        scenario!.mark(tClient)
        add(tCleanup, host, .cleanup, processes[h].worker(.cleanup, at: tCleanup, until: tCleanup + 20_000, &random),
            .cleanupMessageID, arg: 0)
        add(tActive, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 0)
        add(tDisconnect, host, .smtpd, smtpd, .smtpdDisconnect)

        f.verdict = .clean
        truth.verdict(m0, .clean)
        let tHandOff = tActive + Int64(1000 + random.below(20_000))
        let scan = random.skewed(typical: 900_000) + Int64(size / 200)
        f.scanMillis = Int32(scan / 1000)
        let tBack = tHandOff + scan
        let smtp = processes[h].worker(.smtp, at: tHandOff, until: tBack + 20_000, &random)
        let (amavisPID, request) = processes[h].amavisChild(&random)
        f.amavisPID = amavisPID
        f.amavisRequest = request
        let wait = UInt32((tActive - tClient) / 1000)
        let reinject = processes[h].worker(.reinjectSmtpd, at: tBack, until: tBack + 12_000, &random)
        add(tBack, host, .reinjectSmtpd, reinject, .smtpdConnect, detail: 1)
        let m1 = openQueue(&f, 1, host: host, at: tBack + 1500, kind: .reinjected, sender: sender,
                           size: size + Int32(700 + random.below(900)), messageID: mid, parent: m0)
        add(tBack + 1500, host, .reinjectSmtpd, reinject, .smtpdClient, arg: 1, detail: 1)
        add(tBack + 3000, host, .cleanup, processes[h].worker(.cleanup, at: tBack + 3000, until: tBack + 20_000, &random),
            .cleanupMessageID, arg: 1)
        let tActive1 = tBack + 5000 + Int64(random.below(3000))
        add(tActive1, host, .qmgr, processes[h].qmgr, .qmgrQueued, arg: 1)
        add(tActive1 + 2000, host, .reinjectSmtpd, reinject, .smtpdDisconnect, detail: 1)
        add(tActive1 + 4000, host, .amavis, amavisPID, .amavisVerdict)
        let tSent = tActive1 + 5100
        add(tSent, host, .smtp, smtp, .delivery, arg: 0, detail: DeliveryOutcome.sentToFilter.rawValue, aux: wait)
        truth.attempt(m0, 0, .sentToFilter)
        add(tSent + 1000, host, .qmgr, processes[h].qmgr, .qmgrRemoved, arg: 0)
        truth.removed(m0, at: tSent + 1000)
        planDelivery(&f, queue: 1, message: m1, host: host, activeAt: tActive1)
    }

    // MARK: text

    /// Writes the message part of a `.scenario` step.
    func writeScenario(_ step: Step, _ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        let words = scenario!.words
        let flow = f.pointee
        func client() {
            out.append(UInt8(ascii: "["))
            words.text.write(flow.clientAddress, into: &out)
            out.append("]:")
            out.appendDecimal(flow.clientPort)
        }
        func named() {
            words.text.write(flow.clientName, into: &out)
            out.append(UInt8(ascii: "["))
            words.text.write(flow.clientAddress, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        func tenths(_ value: UInt32) {
            out.appendDecimal(value / 10)
            out.append(UInt8(ascii: "."))
            out.appendDecimal(value % 10)
        }
        switch ScenarioLine(rawValue: step.detail)! {
        case .psConnect:
            out.append("CONNECT from ")
            client()
            out.append(" to [")
            vocabulary.text.write(vocabulary.hostAddresses.lowerBound + Int32(step.host), into: &out)
            out.append("]:25")
        case .psPregreet:
            let which = Int(flow.user) % words.pregreets.count
            out.append("PREGREET ")
            out.appendDecimal(ScenarioWords.pregreetBytes[which])
            out.append(" after 0.")
            out.appendPadded(Int(step.aux), width: 2)
            out.append(" from ")
            client()
            out.append(": ")
            words.text.write(words.pregreets.lowerBound + Int32(which), into: &out)
        case .psDNSBL:
            out.append("DNSBL rank ")
            out.appendDecimal(step.aux)
            out.append(" for ")
            client()
        case .psHangupAfter, .psHangupBefore:
            out.append("HANGUP after ")
            tenths(step.aux)
            out.append(" from ")
            client()
            out.append(step.detail == ScenarioLine.psHangupAfter.rawValue ? " in tests after SMTP handshake"
                       : " in tests before SMTP handshake")
        case .psPassOld:
            out.append("PASS OLD ")
            client()
        case .psReject:
            out.append("NOQUEUE: reject: RCPT from ")
            client()
            out.append(": 550 5.7.1 Service unavailable; client [")
            words.text.write(flow.clientAddress, into: &out)
            out.append("] blocked using zen.spamhaus.org; from=<")
            vocabulary.text.write(flow.sender, into: &out)
            out.append(">, to=<")
            vocabulary.text.write(flow.recipients[0], into: &out)
            out.append(">, proto=ESMTP, helo=<")
            words.text.write(words.helos.lowerBound + Int32(flow.key % UInt64(words.helos.count)), into: &out)
            out.append(">")
        case .psDisconnect:
            out.append("DISCONNECT ")
            client()
        case .smtpdConnect:
            out.append("connect from ")
            named()
        case .smtpdLostAfterConnect:
            out.append("lost connection after CONNECT from ")
            named()
        case .smtpdLostAfterAuth:
            out.append("lost connection after AUTH from ")
            named()
        case .smtpdDisconnectNothing:
            out.append("disconnect from ")
            named()
            out.append(" commands=0/0")
        case .smtpdDisconnectAuth:
            out.append("disconnect from ")
            named()
            out.append(" ehlo=1 auth=0/1 quit=1 commands=2/3")
        case .smtpdDisconnectAuthLost:
            out.append("disconnect from ")
            named()
            out.append(" ehlo=1 auth=0/1 commands=1/2")
        case .smtpdDisconnectMonitor:
            out.append("disconnect from ")
            named()
            out.append(" ehlo=1 quit=1 commands=2")
        case .saslFailed:
            out.append("warning: ")
            named()
            out.append(": SASL LOGIN authentication failed: (reason unavailable), sasl_username=")
            words.text.write(flow.user, into: &out)
        case .dovecotAuthFailed:
            out.append("imap-login: Disconnected (auth failed, 1 attempts in ")
            out.appendDecimal(step.aux)
            out.append(" secs): user=<")
            words.text.write(flow.user, into: &out)
            out.append(">, method=PLAIN, rip=")
            words.text.write(flow.clientAddress, into: &out)
            out.append(", lip=")
            vocabulary.text.write(vocabulary.hostAddresses.lowerBound + Int32(step.host), into: &out)
            out.append(", TLS, session=<")
            let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            var bits = CorpusRandom.mix(flow.key)
            for k in 0..<16 {
                if k == 10 { bits = CorpusRandom.mix(bits ^ flow.key) }
                out.append(alphabet.utf8Start[Int(bits & 63)])
                bits >>= 6
            }
            out.append(">")
        case .kernelSynFlood:
            out.append("TCP: request_sock_TCP: Possible SYN flooding on port 25. Sending cookies.  Check SNMP counters.")
        case .masterProcessLimit:
            out.append("warning: service \"smtp\" (25) has reached its process limit \"100\": new clients may experience noticeable delays")
        case .masterAdvice:
            out.append("warning: to avoid this condition, increase the process count in master.cf or reduce the service time per client")
        case .masterStress:
            out.append("warning: see http://www.postfix.org/STRESS_README.html for examples of stress-adapting configuration settings")
        }
    }
}
