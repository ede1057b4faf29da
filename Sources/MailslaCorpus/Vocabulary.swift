/// The programs the corpus writes as, in a fixed order (the index is the id).
enum Program: UInt8, CaseIterable {
    case postscreen, smtpd, submissionSmtpd, reinjectSmtpd, cleanup, qmgr, smtp, lmtp, local, bounce, pickup
    case anvil, amavis, dovecot, cron, sshd
    /// Written by injected scenarios only (MailSimulator+Scenario.swift).
    case kernel, master

    /// The syslog tag (`SYSLOG_IDENTIFIER`).
    var tag: String {
        switch self {
        case .postscreen: "postfix/postscreen"
        case .smtpd: "postfix/smtpd"
        case .submissionSmtpd: "postfix/submission/smtpd"
        case .reinjectSmtpd: "postfix/10025/smtpd"
        case .cleanup: "postfix/cleanup"
        case .qmgr: "postfix/qmgr"
        case .smtp: "postfix/smtp"
        case .lmtp: "postfix/lmtp"
        case .local: "postfix/local"
        case .bounce: "postfix/bounce"
        case .pickup: "postfix/pickup"
        case .anvil: "postfix/anvil"
        case .amavis: "amavis"
        case .dovecot: "dovecot"
        case .cron: "CRON"
        case .sshd: "sshd"
        case .kernel: "kernel"
        case .master: "postfix/master"
        }
    }

    /// The background's programs: the vocabulary's first strings, so their text ids
    /// (which some lines use as values) stay put when scenario programs are added.
    static let background = allCases.filter { $0 != .kernel && $0 != .master }

    /// Dovecot logs through its own log process without a `[pid]` in the syslog tag; the kernel has none.
    var tagHasPID: Bool { self != .dovecot && self != .kernel }
}

/// The hosts of the simulated site and what runs on each.
enum Host: UInt8, CaseIterable {
    /// Inbound MX with postscreen and amavis; short (10-hex) queue ids.
    case mx1
    /// Inbound MX with postscreen and amavis; long (15-char) queue ids.
    case mx2
    /// Submission (port 587, SASL) and outbound relay; long queue ids.
    case smtp1
    /// Dovecot IMAP/POP3 and the LMTP target of the MXs; short queue ids for its own cron mail.
    case imap1

    var name: String { "\(self)" }
    var fqdn: String { "\(self).example.com" }
    var address: String {
        switch self {
        case .mx1: "192.0.2.10"
        case .mx2: "192.0.2.11"
        case .smtp1: "192.0.2.20"
        case .imap1: "192.0.2.30"
        }
    }
    var longQueueIDs: Bool { self == .mx2 || self == .smtp1 }
}

/// Every string the generator writes, interned in one `TextTable`, with the id
/// ranges of each pool. Fixed (not seeded): flows choose from it with the seed.
struct Vocabulary {
    let text: TextTable
    let programTags: Range<Int32>
    let hostNames: Range<Int32>
    let hostFQDNs: Range<Int32>
    let hostAddresses: Range<Int32>
    /// `root@<host fqdn>` per host.
    let rootAddresses: Range<Int32>
    /// Mailboxes at example.com (the site's users).
    let localUsers: Range<Int32>
    /// People and senders elsewhere (example.net and its subdomains).
    let remoteAddresses: Range<Int32>
    /// Bulk senders that send a lot (newsletters, shops, lists).
    let bulkSenders: Range<Int32>
    /// Remote SMTP clients: reverse name (or `unknown`) and address, index-aligned.
    let clientNames: Range<Int32>
    let clientAddresses: Range<Int32>
    /// Submission clients (users' machines): reverse name and address, index-aligned.
    let userClientNames: Range<Int32>
    let userClientAddresses: Range<Int32>
    /// Remote MX hosts outbound mail is relayed to: name and address, index-aligned.
    let remoteMXNames: Range<Int32>
    let remoteMXAddresses: Range<Int32>
    /// HELO names that smtpd rejects.
    let badHelos: Range<Int32>
    let cronCommands: Range<Int32>
    let sshUsers: Range<Int32>
    let invalidSSHUsers: Range<Int32>
    /// Local parts that do not exist at example.com (rejected as unknown users).
    let unknownLocalUsers: Range<Int32>
    /// Domains that message-ids are minted at, by the sending side.
    let messageIDDomains: Range<Int32>

    static let firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
                             "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "uma", "victor",
                             "walter", "xavier", "yvonne", "zoe"]
    static let lastNames = ["smith", "jones", "brown", "miller", "davis", "garcia", "wilson", "moore", "taylor",
                            "anderson", "thomas", "jackson", "white", "harris", "martin", "thompson"]

    init() {
        var b = TextTable.Builder()
        programTags = b.add(Program.background.map(\.tag))
        hostNames = b.add(Host.allCases.map(\.name))
        hostFQDNs = b.add(Host.allCases.map(\.fqdn))
        hostAddresses = b.add(Host.allCases.map(\.address))
        rootAddresses = b.add(Host.allCases.map { "root@\($0.fqdn)" })

        var people: [String] = []
        for last in Self.lastNames {
            for first in Self.firstNames { people.append("\(first).\(last)") }
        }
        // The site's users: the first 300 name pairs, a few with short forms.
        localUsers = b.add(people.prefix(300).enumerated().map { i, name in
            i % 7 == 3 ? "\(name.prefix(1))\(name.split(separator: ".")[1])@example.com" : "\(name)@example.com"
        })
        let remoteDomains = ["example.net", "mail.example.net", "corp.example.net", "home.example.net"]
        remoteAddresses = b.add(people.reversed().enumerated().map { i, name in
            "\(name)@\(remoteDomains[i % remoteDomains.count])"
        })
        bulkSenders = b.add([
            "newsletter@news.example.net", "noreply@shop.example.net", "billing@invoices.example.net",
            "notifications@alerts.example.net", "list-bounces@lists.example.net", "support@helpdesk.example.net",
            "info@example.net", "no-reply@accounts.example.net", "bounce-7731@mailer.example.net",
            "updates@social.example.net",
        ])

        // Remote clients: every documentation address of two /24s, named or not.
        var names: [String] = []
        var addresses: [String] = []
        for net in ["198.51.100", "203.0.113"] {
            for host in 1...254 {
                let ip = "\(net).\(host)"
                let dashed = ip.replacingDots()
                switch (host * 7 + (net == "203.0.113" ? 3 : 0)) % 10 {
                case 0, 1: names.append("unknown")
                case 2: names.append("mail\(host).example.net")
                case 3: names.append("out-\(host).smtp.example.net")
                case 4: names.append("mx\(host % 40 + 1).mail.example.net")
                case 5: names.append("host-\(dashed).dyn.example.net")
                case 6: names.append("bounce\(host).mailer.example.net")
                default: names.append("smtp-\(dashed).example.net")
                }
                addresses.append(ip)
            }
        }
        clientNames = b.add(names)
        clientAddresses = b.add(addresses)
        let userHosts = (1...120).map { i in "203.0.113.\((i * 37) % 254 + 1)" }
        userClientNames = b.add(userHosts.enumerated().map { i, ip in
            i % 4 == 0 ? "unknown" : "host-\(ip.replacingDots()).home.example.net"
        })
        userClientAddresses = b.add(userHosts)
        remoteMXNames = b.add((1...24).map { "mx\($0 % 3 + 1).\(["example.net", "mail.example.net", "corp.example.net", "home.example.net", "lists.example.net", "shop.example.net", "news.example.net", "alerts.example.net"][$0 % 8])" })
        remoteMXAddresses = b.add((1...24).map { "198.51.100.\(200 + $0)" })
        badHelos = b.add(["User", "WIN-9QL4SDRB93L", "localhost", "ylmf-pc", "[203.0.113.7]", "example", "mail", "DESKTOP-4K2H1QJ"])
        cronCommands = b.add([
            "   cd / && run-parts --report /etc/cron.hourly",
            "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
            "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
            "/usr/local/bin/backup-mailboxes --quiet",
            "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
        ])
        sshUsers = b.add(["deploy", "admin", "backup", "nagios"])
        invalidSSHUsers = b.add(["test", "oracle", "ubuntu", "user", "pi", "postgres", "git", "ftpuser", "guest", "support"])
        unknownLocalUsers = b.add(["info@example.com", "admin@example.com", "sales@example.com", "webmaster@example.com",
                                   "contact@example.com", "jobs@example.com", "office@example.com", "test@example.com",
                                   "marketing@example.com", "hr@example.com"])
        messageIDDomains = b.add(["mail.example.net", "example.net", "news.example.net", "mx.example.net",
                                  "shop.example.net", "lists.example.net", "example.com"])
        text = TextTable(b)
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "-" : $0 }) }
}
