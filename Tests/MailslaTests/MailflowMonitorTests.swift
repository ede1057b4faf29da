import Testing
import MailslaCore
@testable import Mailsla

@Suite struct MailflowMonitorTests {
    // Built lines: five-minute intervals, a healthy one, a broken filter, a broken mailbox server.
    let lines = [
        // 10:00–10:05: a message goes through the filter and reaches the mailbox.
        "Nov  3 10:01:00 mx1 postfix/smtpd[1]: 1A00000001: client=a.example.net[198.51.100.1]",
        "Nov  3 10:01:01 mx1 postfix/qmgr[2]: 1A00000001: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
        "Nov  3 10:01:03 mx1 postfix/10025/smtpd[4]: 1B00000001: client=localhost[127.0.0.1]",
        "Nov  3 10:01:03 mx1 postfix/smtp[3]: 1A00000001: to=<u@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0/0/0/2, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 1B00000001)",
        "Nov  3 10:01:03 mx1 postfix/qmgr[2]: 1A00000001: removed",
        "Nov  3 10:01:04 mx1 postfix/lmtp[5]: 1B00000001: to=<u@example.com>, relay=mx1.example.com[/var/run/dovecot/lmtp], delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 <u@example.com> x Saved)",
        "Nov  3 10:01:04 mx1 postfix/qmgr[2]: 1B00000001: removed",
        // 10:05–10:10: amavis is down.
        "Nov  3 10:06:00 mx1 postfix/amavis/smtp[6]: connect to 127.0.0.1[127.0.0.1]:10024: Connection refused",
        // 10:10–10:15: nothing at all — no test.
        // 10:15–10:20: Dovecot's LMTP socket is gone.
        "Nov  3 10:16:00 mx1 postfix/lmtp[7]: connect to mx1.example.com[/var/run/dovecot/lmtp]: Connection refused",
    ]

    @Test func eachIntervalPassesOrFailsOnWhatTheLogsShow() {
        let (_, pipeline) = runPipeline(lines)
        let tests = pipeline.mailflow!.tests()
        #expect(tests.map { TimeFormat.rfc3339(micros: $0.time) }
            == ["2026-11-03T10:05:00Z", "2026-11-03T10:10:00Z", "2026-11-03T10:20:00Z"])
        #expect(tests.map(\.ok) == [true, false, false])
        #expect(tests[1].error == "fault.filter_unreachable ×1")
        #expect(tests[2].error == "fault.lmtp_unreachable ×1")
    }

    @Test func aLostMessageFailsTheIntervalItWasHandedOffIn() {
        let lost = [  // built: amavis said 250 but nothing came back
            "Nov  3 11:01:00 mx1 postfix/smtpd[1]: 2A00000001: client=a.example.net[198.51.100.1]",
            "Nov  3 11:01:01 mx1 postfix/qmgr[2]: 2A00000001: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 11:01:02 mx1 postfix/smtp[3]: 2A00000001: to=<u@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok, id=1-01)",
            "Nov  3 11:01:02 mx1 postfix/qmgr[2]: 2A00000001: removed",
        ]
        let (records, pipeline) = runPipeline(lost)
        #expect(records.map(\.status) == [.lost])
        let tests = pipeline.mailflow!.tests()
        #expect(tests.map(\.ok) == [false])
        #expect(tests.first?.error == "lost in filter ×1")
    }
}
