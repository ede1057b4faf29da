/// The message text of every step, built from the formats in
/// shared/corpus/EVENTS.md (lines built from upstream formats, not copied
/// from real logs). Writes bytes only; nothing here allocates.
extension MailSimulator {
    /// Writes the message part (after `tag[pid]: `) of `line`.
    public func writeMessage(_ line: SimulatedLine, into out: inout ByteWriter) {
        let step = steps[Int(line.step)]
        flows.withUnsafeBufferPointer { all in
            write(step, all.baseAddress! + Int(line.slot), into: &out)
        }
    }

    /// The message part of `line` as text (tests and tools; not for the hot path).
    public func message(_ line: SimulatedLine) -> String {
        var out = ByteWriter(capacity: 512)
        writeMessage(line, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private func write(_ step: Step, _ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        let text = vocabulary.text
        switch step.kind {
        case .postscreenConnect:
            out.append("CONNECT from ")
            bracketedClient(f, into: &out)
            out.append(" to [")
            text.write(vocabulary.hostAddresses.lowerBound + Int32(step.host), into: &out)
            out.append("]:25")
        case .postscreenPass:
            out.append(step.arg == 1 ? "PASS NEW " : "PASS OLD ")
            bracketedClient(f, into: &out)
        case .postscreenPregreet:
            out.append("PREGREET 11 after 0.")
            out.appendPadded(Int(step.aux % 100), width: 2)
            out.append(" from ")
            bracketedClient(f, into: &out)
            out.append(": EHLO User\\r\\n")
        case .postscreenDNSBL:
            out.append("DNSBL rank ")
            out.appendDecimal(step.aux)
            out.append(" for ")
            bracketedClient(f, into: &out)
        case .postscreenReject:
            out.append("NOQUEUE: reject: RCPT from ")
            bracketedClient(f, into: &out)
            out.append(": 550 5.7.1 Service unavailable; client [")
            text.write(f.pointee.clientAddress, into: &out)
            out.append("] blocked using dnsbl.example.net; from=<")
            address(f.pointee.sender, into: &out)
            out.append(">, to=<")
            text.write(f.pointee.recipients[0], into: &out)
            out.append(">, proto=ESMTP, helo=<")
            text.write(f.pointee.user, into: &out)
            out.append(">")
        case .postscreenDisconnect:
            out.append("DISCONNECT ")
            bracketedClient(f, into: &out)

        case .smtpdConnect:
            out.append("connect from ")
            sessionClient(f, localhost: step.detail == 1, into: &out)
        case .smtpdClient:
            queueID(f, Int(step.arg), into: &out)
            out.append(": client=")
            sessionClient(f, localhost: step.detail == 1, into: &out)
            if step.detail == 2 {
                out.append(", sasl_method=PLAIN, sasl_username=")
                text.write(f.pointee.sender, into: &out)
            }
        case .smtpdReject:
            writeReject(f, into: &out)
        case .smtpdDisconnect:
            out.append("disconnect from ")
            sessionClient(f, localhost: step.detail == 1, into: &out)
            writeCommandCounts(f, variant: step.detail, into: &out)

        case .cleanupMessageID:
            let q = Int(step.arg)
            queueID(f, q, into: &out)
            out.append(": message-id=")
            writeMessageID(f.pointee.messageIDs[q], into: &out)
        case .qmgrQueued:
            let q = Int(step.arg)
            queueID(f, q, into: &out)
            out.append(": from=<")
            address(f.pointee.senders[q], into: &out)
            out.append(">, size=")
            out.appendDecimal(f.pointee.sizes[q])
            out.append(", nrcpt=")
            out.appendDecimal(f.pointee.recipientCounts[q])
            out.append(" (queue active)")
        case .qmgrRemoved:
            queueID(f, Int(step.arg), into: &out)
            out.append(": removed")
        case .qmgrExpired:
            let q = Int(step.arg)
            queueID(f, q, into: &out)
            out.append(": from=<")
            address(f.pointee.senders[q], into: &out)
            out.append(">, status=expired, returned to sender")
        case .pickupUID:
            queueID(f, Int(step.arg), into: &out)
            out.append(": uid=0 from=<root>")
        case .bounceNotice:
            queueID(f, Int(step.arg), into: &out)
            out.append(": sender non-delivery notification: ")
            queueID(f, 2, into: &out)
        case .delivery:
            writeDelivery(step, f, into: &out)
        case .amavisVerdict:
            writeVerdict(f, into: &out)

        case .dovecotLMTPSaved:
            let q = Int(step.arg >> 4)
            let i = Int(step.arg & 15)
            let user = recipient(f.pointee, q, i)
            out.append("lmtp(")
            text.write(user, into: &out)
            out.append(")<")
            out.appendDecimal(step.pid)
            out.append("><")
            lmtpSession(f, q, i, into: &out)
            out.append(">: msgid=")
            writeMessageID(f.pointee.messageIDs[q], into: &out)
            out.append(": saved mail to INBOX")
        case .dovecotLogin:
            out.append(step.arg == 1 ? "imap-login: Login: user=<" : "pop3-login: Login: user=<")
            text.write(f.pointee.user, into: &out)
            out.append(">, method=PLAIN, rip=")
            text.write(f.pointee.clientAddress, into: &out)
            out.append(", lip=")
            text.write(vocabulary.hostAddresses.lowerBound + Int32(step.host), into: &out)
            out.append(", mpid=")
            out.appendDecimal(f.pointee.processID)
            out.append(", TLS, session=<")
            base64(f.pointee.key, 16, into: &out)
            out.append(">")
        case .dovecotLogout:
            out.append(step.arg == 1 ? "imap(" : "pop3(")
            text.write(f.pointee.user, into: &out)
            out.append(")<")
            out.appendDecimal(f.pointee.processID)
            out.append("><")
            base64(f.pointee.key, 16, into: &out)
            if step.arg == 1 {
                out.append(">: Logged out in=")
                out.appendDecimal(200 + step.aux % 9000)
                out.append(" out=")
                out.appendDecimal(1000 + step.aux * 3 % 900_000)
                out.append(" deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0")
            } else {
                let messages = step.aux % 4
                let bytes = messages == 0 ? 0 : 2000 + step.aux % 200_000
                out.append(">: Disconnected: Logged out top=0/0, retr=")
                out.appendDecimal(messages)
                out.append("/")
                out.appendDecimal(bytes)
                out.append(", del=")
                out.appendDecimal(messages)
                out.append("/")
                out.appendDecimal(messages)
                out.append(", size=")
                out.appendDecimal(bytes)
            }
        case .dovecotAuthFailed:
            out.append(step.arg == 1 ? "imap-login: Disconnected (auth failed, " : "pop3-login: Disconnected (auth failed, ")
            out.appendDecimal(step.aux >> 8)
            out.append(step.aux >> 8 == 1 ? " attempts in " : " attempts in ")
            out.appendDecimal(step.aux & 0xFF)
            out.append(" secs): user=<")
            text.write(f.pointee.user, into: &out)
            out.append(">, method=PLAIN, rip=")
            text.write(f.pointee.clientAddress, into: &out)
            out.append(", lip=")
            text.write(vocabulary.hostAddresses.lowerBound + Int32(step.host), into: &out)
            out.append(", TLS, session=<")
            base64(f.pointee.key, 16, into: &out)
            out.append(">")

        case .cronSessionOpened:
            out.append("pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")
        case .cronCommand:
            out.append("(root) CMD (")
            text.write(f.pointee.user, into: &out)
            out.append(")")
        case .cronSessionClosed:
            out.append("pam_unix(cron:session): session closed for user root")
        case .sshInvalidUser:
            out.append("Invalid user ")
            text.write(f.pointee.user, into: &out)
            out.append(" from ")
            sshPeer(f, into: &out)
        case .sshClosedPreauth:
            out.append("Connection closed by ")
            if step.arg == 0 {
                out.append("invalid user ")
                text.write(f.pointee.user, into: &out)
                out.append(" ")
            }
            sshPeer(f, into: &out)
            out.append(" [preauth]")
        case .sshAccepted:
            out.append("Accepted publickey for ")
            text.write(f.pointee.user, into: &out)
            out.append(" from ")
            sshPeer(f, into: &out)
            out.append(" ssh2: ED25519 SHA256:")
            base64(CorpusRandom.mix(UInt64(UInt32(bitPattern: f.pointee.user))), 43, into: &out)
        case .sshSessionOpened:
            out.append("pam_unix(sshd:session): session opened for user ")
            text.write(f.pointee.user, into: &out)
            out.append("(uid=")
            out.appendDecimal(1000 + (f.pointee.user - vocabulary.sshUsers.lowerBound))
            out.append(") by (uid=0)")
        case .sshDisconnected:
            out.append("Disconnected from user ")
            text.write(f.pointee.user, into: &out)
            out.append(" ")
            sshPeer(f, into: &out)
        case .sshSessionClosed:
            out.append("pam_unix(sshd:session): session closed for user ")
            text.write(f.pointee.user, into: &out)
        case .anvilRate:
            out.append("statistics: max connection rate ")
            out.appendDecimal(step.aux)
            out.append("/60s for (smtp:")
            text.write(f.pointee.clientAddress, into: &out)
            out.append(") at ")
            TimeText.writeRFC3164(TimeText.parts(micros: step.time - 60_000_000), into: &out)
        case .anvilCount:
            out.append("statistics: max connection count ")
            out.appendDecimal(step.aux)
            out.append(" for (smtp:")
            text.write(f.pointee.clientAddress, into: &out)
            out.append(") at ")
            TimeText.writeRFC3164(TimeText.parts(micros: step.time - 60_000_000), into: &out)
        case .anvilCache:
            out.append("statistics: max cache size ")
            out.appendDecimal(step.aux)
            out.append(" at ")
            TimeText.writeRFC3164(TimeText.parts(micros: step.time - 30_000_000), into: &out)
        case .scenario:
            writeScenario(step, f, into: &out)
        }
    }

    // MARK: pieces

    @inline(__always)
    private func queueID(_ f: UnsafePointer<Flow>, _ q: Int, into out: inout ByteWriter) {
        f.pointee.queueIDs[q].write(into: &out)
    }

    /// An address without brackets; nothing for the null sender.
    @inline(__always)
    private func address(_ id: Int32, into out: inout ByteWriter) {
        if id >= 0 { vocabulary.text.write(id, into: &out) }
    }

    /// `[ip]:port`
    private func bracketedClient(_ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        out.append(UInt8(ascii: "["))
        vocabulary.text.write(f.pointee.clientAddress, into: &out)
        out.append("]:")
        out.appendDecimal(f.pointee.clientPort)
    }

    /// `name[ip]`, or `localhost[127.0.0.1]` for the content filter's re-injection.
    private func sessionClient(_ f: UnsafePointer<Flow>, localhost: Bool, into out: inout ByteWriter) {
        if localhost {
            out.append("localhost[127.0.0.1]")
            return
        }
        vocabulary.text.write(f.pointee.clientName, into: &out)
        out.append(UInt8(ascii: "["))
        vocabulary.text.write(f.pointee.clientAddress, into: &out)
        out.append(UInt8(ascii: "]"))
    }

    private func sshPeer(_ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        vocabulary.text.write(f.pointee.clientAddress, into: &out)
        out.append(" port ")
        out.appendDecimal(f.pointee.clientPort)
    }

    /// The smtpd `disconnect` counters: MX session (0), re-injection (1), submission (2), rejected (3).
    private func writeCommandCounts(_ f: UnsafePointer<Flow>, variant: UInt8, into out: inout ByteWriter) {
        let rcpt = f.pointee.recipientCount
        switch variant {
        case 1:
            out.append(" ehlo=1 mail=1 rcpt=")
            out.appendDecimal(rcpt)
            out.append(" data=1 quit=1 commands=")
            out.appendDecimal(4 + rcpt)
        case 2:
            out.append(" ehlo=2 starttls=1 auth=1 mail=1 rcpt=")
            out.appendDecimal(rcpt)
            out.append(" data=1 quit=1 commands=")
            out.appendDecimal(7 + rcpt)
        case 3:
            out.append(" ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4")
        default:
            if f.pointee.tls {
                out.append(" ehlo=2 starttls=1 mail=1 rcpt=")
                out.appendDecimal(rcpt)
                out.append(" data=1 quit=1 commands=")
                out.appendDecimal(6 + rcpt)
            } else {
                out.append(" ehlo=1 mail=1 rcpt=")
                out.appendDecimal(rcpt)
                out.append(" data=1 quit=1 commands=")
                out.appendDecimal(4 + rcpt)
            }
        }
    }

    private func writeReject(_ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        let text = vocabulary.text
        let rcpt = f.pointee.recipients[0]
        out.append("NOQUEUE: reject: RCPT from ")
        sessionClient(f, localhost: false, into: &out)
        switch f.pointee.reject {
        case .relayDenied:
            out.append(": 554 5.7.1 <")
            text.write(rcpt, into: &out)
            out.append(">: Relay access denied")
        case .unknownUser:
            out.append(": 550 5.1.1 <")
            text.write(rcpt, into: &out)
            out.append(">: Recipient address rejected: User unknown in virtual mailbox table")
        case .blocklisted:
            out.append(": 554 5.7.1 Service unavailable; Client host [")
            text.write(f.pointee.clientAddress, into: &out)
            out.append("] blocked using dnsbl.example.net")
        case .badHelo:
            out.append(": 504 5.5.2 <")
            text.write(f.pointee.user, into: &out)
            out.append(">: Helo command rejected: need fully-qualified hostname")
        default:
            out.append(": 450 4.7.1 Client host rejected: cannot find your hostname, [")
            text.write(f.pointee.clientAddress, into: &out)
            out.append("]")
        }
        out.append("; from=<")
        address(f.pointee.sender, into: &out)
        out.append("> to=<")
        text.write(rcpt, into: &out)
        out.append("> proto=ESMTP helo=<")
        if f.pointee.reject == .badHelo {
            text.write(f.pointee.user, into: &out)
        } else if text.length(f.pointee.clientName) == 7 {
            text.write(f.pointee.user, into: &out)
        } else {
            text.write(f.pointee.clientName, into: &out)
        }
        out.append(">")
    }

    private func writeDelivery(_ step: Step, _ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        let text = vocabulary.text
        let q = Int(step.arg >> 4)
        let i = Int(step.arg & 15)
        let outcome = DeliveryOutcome(rawValue: step.detail)!
        let to = recipient(f.pointee, q, i)
        queueID(f, q, into: &out)
        out.append(": to=<")
        text.write(to, into: &out)
        out.append(">, ")
        if outcome == .sentLocal {
            out.append("orig_to=<root>, relay=local")
        } else {
            out.append("relay=")
            switch outcome {
            case .sentToFilter, .discardedByFilter:
                out.append("127.0.0.1[127.0.0.1]:10024")
            case .sentLMTP, .deferredQuota, .bouncedQuota:
                text.write(vocabulary.hostFQDNs.lowerBound + Int32(Host.imap1.rawValue), into: &out)
                out.append(UInt8(ascii: "["))
                text.write(vocabulary.hostAddresses.lowerBound + Int32(Host.imap1.rawValue), into: &out)
                out.append("]:24")
            case .deferredTimeout:
                out.append("none")
            default:
                remoteMX(for: to, into: &out)
                out.append(":25")
            }
        }
        // delay=total, delays=a/b/c/d: before the queue manager, in it, connection setup, transmission.
        let total = step.time - f.pointee.received[q]
        let decoration = CorpusRandom.mix(f.pointee.key ^ UInt64(step.arg) << 32 ^ UInt64(step.time))
        let a = min(Int64(step.aux) * 1000, total)
        let b = min(Int64(decoration & 0x3FFF), total - a)
        let c = outcome == .deferredTimeout ? total - a - b : min(Int64((decoration >> 16) & 0x1FFFF), total - a - b)
        let d = max(total - a - b - c, 0)
        out.append(", delay=")
        out.appendPostfixDelay(micros: total)
        out.append(", delays=")
        out.appendPostfixDelay(micros: a)
        out.append(UInt8(ascii: "/"))
        out.appendPostfixDelay(micros: b)
        out.append(UInt8(ascii: "/"))
        out.appendPostfixDelay(micros: c)
        out.append(UInt8(ascii: "/"))
        out.appendPostfixDelay(micros: d)
        out.append(", dsn=")
        out.append(outcome.dsn)
        out.append(", status=")
        out.append(outcome.status)
        out.append(" (")
        switch outcome {
        case .sentToFilter:
            out.append("250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as ")
            queueID(f, 1, into: &out)
        case .discardedByFilter:
            out.append("250 2.7.0 Ok, discarded, id=")
            out.appendDecimal(f.pointee.amavisPID)
            out.append(UInt8(ascii: "-"))
            out.appendPadded(Int(f.pointee.amavisRequest), width: 2)
            out.append(f.pointee.verdict == .infected ? " - INFECTED: " : " - spam")
            if f.pointee.verdict == .infected { writeVirusName(f.pointee.key, into: &out) }
        case .sentLMTP:
            out.append("250 2.0.0 <")
            text.write(to, into: &out)
            out.append("> ")
            lmtpSession(f, q, i, into: &out)
            out.append(" Saved")
        case .sentLocal:
            out.append("delivered to mailbox")
        case .sentRemote:
            out.append("250 2.0.0 Ok: queued as ")
            out.appendHex(decoration >> 8, digits: 10)
        case .deferredTimeout:
            out.append("connect to ")
            remoteMX(for: to, into: &out)
            out.append(":25: Connection timed out")
        case .deferredGreylisted:
            out.append("host ")
            remoteMX(for: to, into: &out)
            out.append(" said: 450 4.7.1 <")
            text.write(to, into: &out)
            out.append(">: Recipient address rejected: Greylisted for 300 seconds (in reply to RCPT TO command)")
        case .deferredQuota, .bouncedQuota:
            out.append("host ")
            text.write(vocabulary.hostFQDNs.lowerBound + Int32(Host.imap1.rawValue), into: &out)
            out.append(UInt8(ascii: "["))
            text.write(vocabulary.hostAddresses.lowerBound + Int32(Host.imap1.rawValue), into: &out)
            out.append(outcome == .deferredQuota ? "] said: 452 4.2.2 <" : "] said: 552 5.2.2 <")
            text.write(to, into: &out)
            out.append("> Quota exceeded (mailbox for user is full) (in reply to end of DATA command)")
        case .bouncedUnknownUser:
            out.append("host ")
            remoteMX(for: to, into: &out)
            out.append(" said: 550 5.1.1 <")
            text.write(to, into: &out)
            out.append(">: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)")
        }
        out.append(UInt8(ascii: ")"))
    }

    /// `mx2.example.net[198.51.100.214]`: the MX of a remote recipient (fixed per address).
    private func remoteMX(for address: Int32, into out: inout ByteWriter) {
        let i = Int32(Int(address) * 7 % vocabulary.remoteMXNames.count)
        vocabulary.text.write(vocabulary.remoteMXNames.lowerBound + i, into: &out)
        out.append(UInt8(ascii: "["))
        vocabulary.text.write(vocabulary.remoteMXAddresses.lowerBound + i, into: &out)
        out.append(UInt8(ascii: "]"))
    }

    private func writeVerdict(_ f: UnsafePointer<Flow>, into out: inout ByteWriter) {
        let text = vocabulary.text
        let flow = f.pointee
        out.append(UInt8(ascii: "("))
        out.appendDecimal(flow.amavisPID)
        out.append(UInt8(ascii: "-"))
        out.appendPadded(Int(flow.amavisRequest), width: 2)
        switch flow.verdict {
        case .spamPassed: out.append(") Passed SPAM {RelayedTaggedInbound}, ")
        case .spamBlocked: out.append(") Blocked SPAM {DiscardedInbound,Quarantined}, ")
        case .infected:
            out.append(") Blocked INFECTED (")
            writeVirusName(flow.key, into: &out)
            out.append(") {DiscardedInbound,Quarantined}, ")
        default: out.append(") Passed CLEAN {RelayedInbound}, ")
        }
        bracketedClient(f, into: &out)
        out.append(" [")
        text.write(flow.clientAddress, into: &out)
        out.append("] <")
        address(flow.sender, into: &out)
        out.append("> -> ")
        for i in 0..<flow.recipientCount {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "<"))
            text.write(flow.recipients[i], into: &out)
            out.append(UInt8(ascii: ">"))
        }
        let mailID = CorpusRandom.mix(flow.key ^ 0xA3A3)
        if flow.verdict == .spamBlocked || flow.verdict == .infected {
            out.append(flow.verdict == .infected ? ", quarantine: virus-" : ", quarantine: spam-")
            base64(mailID, 12, into: &out)
        }
        out.append(", Queue-ID: ")
        queueID(f, 0, into: &out)
        out.append(", Message-ID: ")
        writeMessageID(flow.messageIDs[0], into: &out)
        out.append(", mail_id: ")
        base64(mailID, 12, into: &out)
        out.append(", Hits: ")
        if flow.verdict == .infected {
            out.append(UInt8(ascii: "-"))
        } else {
            let r = Int((flow.key >> 20) & 0xFFFF)
            let millis: Int = switch flow.verdict {
            case .spamPassed: 5000 + r % 5000
            case .spamBlocked: 10_000 + r % 15_000
            default: r % 7000 - 2000
            }
            if millis < 0 { out.append(UInt8(ascii: "-")) }
            out.appendDecimal(abs(millis) / 1000)
            out.append(UInt8(ascii: "."))
            out.appendPadded(abs(millis) % 1000, width: 3)
        }
        out.append(", size: ")
        out.appendDecimal(flow.sizes[0])
        if flow.verdict == .clean || flow.verdict == .spamPassed {
            out.append(", queued_as: ")
            queueID(f, 1, into: &out)
        }
        out.append(", ")
        out.appendDecimal(flow.scanMillis)
        out.append(" ms")
    }

    private func writeVirusName(_ key: UInt64, into out: inout ByteWriter) {
        switch key % 4 {
        case 0: out.append("Eicar-Signature")
        case 1: out.append("Win.Trojan.Agent-1234567")
        case 2: out.append("Doc.Dropper.Agent-6334190")
        default: out.append("Html.Phishing.Bank-8839")
        }
    }

    /// Dovecot's LMTP session id, the same on Dovecot's line and in Postfix's `Saved` reply.
    private func lmtpSession(_ f: UnsafePointer<Flow>, _ q: Int, _ i: Int, into out: inout ByteWriter) {
        base64(CorpusRandom.mix(f.pointee.key ^ UInt64(q << 8 | i) ^ 0x5E55), 22, into: &out)
    }

    func writeMessageID(_ spec: MessageIDSpec, into out: inout ByteWriter) {
        out.append(UInt8(ascii: "<"))
        switch spec.style {
        case .timestamp:
            TimeText.writeCompact(TimeText.parts(micros: spec.time), into: &out)
            out.append(UInt8(ascii: "."))
            out.appendHex(spec.key, digits: 16)
        case .random:
            out.appendHex(spec.key >> 32, digits: 8, upper: false)
            out.append(UInt8(ascii: "."))
            out.appendHex(spec.key, digits: 12, upper: false)
        case .postfix:
            TimeText.writeCompact(TimeText.parts(micros: spec.time), into: &out)
            out.append(UInt8(ascii: "."))
            spec.queueID.write(into: &out)
        }
        out.append(UInt8(ascii: "@"))
        vocabulary.text.write(spec.domain, into: &out)
        out.append(UInt8(ascii: ">"))
    }

    /// `count` characters of base64 alphabet drawn from `seed` (session ids, key fingerprints).
    private func base64(_ seed: UInt64, _ count: Int, into out: inout ByteWriter) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        var bits = seed
        var word = seed
        for k in 0..<count {
            if k % 10 == 0 && k > 0 {
                word = CorpusRandom.mix(word &+ 0x9E37_79B9_7F4A_7C15)
                bits = word
            }
            out.append(alphabet.utf8Start[Int(bits & 63)])
            bits >>= 6
        }
    }
}
