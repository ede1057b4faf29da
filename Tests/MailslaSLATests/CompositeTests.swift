import Testing
@testable import MailslaSLA

@Suite struct CompositeTests {
    let period = SLAPeriod(span: span("2026-11-01T00:00:00Z", "2026-11-01T03:00:00Z"), timeZone: utc)
    // smtp-in: down 00:10–00:30, no data 00:30–00:50.
    let smtp = series("smtp-in", from: "2026-11-01T00:00:00Z", "++" + "-----" + "..." + "+" * 26)
    // pop3: down 00:20–00:50, no data 01:00–01:30, down 02:00–02:10.
    let pop3 = series("pop3", from: "2026-11-01T00:00:00Z", "++++" + "-------" + "++" + "....." + "++++++" + "---" + "+" * 9)

    @Test func serverIsDownWhileAnyMemberIsDown() {
        let result = evaluate([smtp, pop3], period: period)
        let server = result.server
        #expect(server.name == "server")
        #expect(server.members == ["smtp-in", "pop3"])
        #expect(server.incidents.map(\.span) == [span("2026-11-01T00:10:00Z", "2026-11-01T00:50:00Z"),
                                                span("2026-11-01T02:00:00Z", "2026-11-01T02:10:00Z")])
        #expect(server.incidents.map(\.failedTests) == [12, 3])
        #expect(server.downtimeMinutes == 50)
        #expect(result.service("smtp-in")!.downtimeMinutes + result.service("pop3")!.downtimeMinutes == 60)
        #expect(server.tests == 33 + 31)
        #expect(server.failedTests == 5 + 10)
        #expect(server.availability == 1 - 50.0 / 180)
        #expect(result.sla.availability == server.availability)
    }

    @Test func serverHasNoDataOnlyWhileNoMemberIsKnownDown() {
        let result = evaluate([smtp, pop3], period: period)
        #expect(result.service("smtp-in")!.noData == [span("2026-11-01T00:30:00Z", "2026-11-01T00:50:00Z")])
        #expect(result.service("pop3")!.noData == [span("2026-11-01T01:00:00Z", "2026-11-01T01:30:00Z")])
        #expect(result.server.noData == [span("2026-11-01T01:00:00Z", "2026-11-01T01:30:00Z")])
    }

    @Test func touchingMemberRunsMergeAndExclusionsJudgeTheServerIncident() {
        // smtp-in down 00:10–00:20, pop3 down 00:20–00:30: one server incident 00:10–00:30.
        let a = series("smtp-in", from: "2026-11-01T00:00:00Z", "++---+")
        let b = series("pop3", from: "2026-11-01T00:00:00Z", "++++---+")
        let e = EpisodeWindow(id: "E1", span: span("2026-11-01T00:25:00Z", "2026-11-01T00:40:00Z"))
        let result = evaluate([a, b], episodes: [e], period: period)
        #expect(result.server.incidents.count == 1)
        #expect(result.server.incidents[0].downtimeMinutes == 20)
        #expect(result.server.incidents[0].excludedMinutes == 20)
        #expect(!result.service("smtp-in")!.incidents[0].excluded)
        #expect(result.service("pop3")!.incidents[0].excluded)
    }

    @Test func otherServicesDoNotTakeTheServerDown() {
        let imap = series("imap", from: "2026-11-01T00:00:00Z", "+" + "-" * 10 + "+")
        let result = evaluate([imap, series("smtp-in", from: "2026-11-01T00:00:00Z", "+" * 36),
                               series("pop3", from: "2026-11-01T00:00:00Z", "+" * 36)], period: period)
        #expect(result.service("imap")!.downtimeMinutes == 45)
        #expect(result.server.incidents.isEmpty)
        #expect(result.sla.availability == 1)
        #expect(result.services.map(\.name) == ["smtp-in", "pop3", "imap"])
    }

    @Test func configurableMembersAndServiceOrder() {
        var policy = SLAPolicy()
        policy.serverMembers = ["smtp-in", "webmail-eu"]
        policy.services["mailflow"] = ServicePolicy(intervalSeconds: 600)
        let web = series("webmail-eu", from: "2026-11-01T00:00:00Z", "+--+")
        let result = evaluate([web, series("zz-test", from: "2026-11-01T00:00:00Z", "+")], policy: policy, period: period)
        #expect(result.services.map(\.name) == ["smtp-in", "mailflow", "webmail-eu", "zz-test"])
        #expect(result.server.downtimeMinutes == 5)
        #expect(result.service("mailflow")!.noData == [period.span])
    }
}
