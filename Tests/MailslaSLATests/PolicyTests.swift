import Testing
@testable import MailslaSLA

@Suite struct PolicyTests {
    @Test func defaultsAreTheAgreement() throws {
        let p = SLAPolicy()
        #expect(p.service("smtp-in") == ServicePolicy(intervalSeconds: 300, failureThreshold: 2))
        #expect(p.serverMembers == ["smtp-in", "pop3"])
        #expect(p.exclusionPolicy == .incident)
        #expect(p.timeZone.secondsFromGMT() == 0 && p.timeZone.nextDaylightSavingTimeTransition == nil)
        try p.validate()
    }

    @Test func validateNamesEveryProblem() {
        var p = SLAPolicy(objective: 0.98, minimum: 0.99)
        p.services["pop3"] = ServicePolicy(intervalSeconds: 0, failureThreshold: 0)
        p.serverMembers = []
        p.episodeMargins = EpisodeMargins(beforeSeconds: -1)
        p.maintenance = [DeclaredWindow(span: span("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"), reason: "")]
        p.recurringMaintenance = [RecurringMaintenance(weekday: .sunday, hour: 25, durationSeconds: 0, reason: "x")]
        #expect(throws: SLAPolicyError.self) { try p.validate() }
        do {
            try p.validate()
        } catch {
            #expect(error.problems.count == 9)
            #expect(error.description.contains("service pop3: interval"))
        }
    }

    @Test func recurringMaintenanceText() throws {
        let r = try RecurringMaintenance(parsing: "Sunday 02:00 for 2h", reason: "patching")
        #expect(r == RecurringMaintenance(weekday: .sunday, hour: 2, minute: 0, durationSeconds: 7200, reason: "patching"))
        #expect(try RecurringMaintenance(parsing: "wed  23:30 for 1h30m", reason: "r").durationSeconds == 5400)
        #expect(RecurringMaintenance.durationSeconds("90m") == 5400)
        #expect(RecurringMaintenance.durationSeconds("1d") == 86400)
        #expect(RecurringMaintenance.durationSeconds("2") == nil)
        #expect(RecurringMaintenance.durationSeconds("h") == nil)
        for bad in ["Sunday 2h", "Someday 02:00 for 2h", "Sunday 24:00 for 2h", "Sunday 02:00 during 2h", "Sunday 02:00 for 0h"] {
            #expect(throws: SLAPolicyError.self) { try RecurringMaintenance(parsing: bad, reason: "r") }
        }
    }

    @Test func declaredWindowsFromConfigText() {
        #expect(DeclaredWindow(start: "2026-11-03T22:00:00+01:00", end: "2026-11-03T23:00:00+01:00", reason: "r")?.span
                == span("2026-11-03T21:00:00Z", "2026-11-03T22:00:00Z"))
        #expect(DeclaredWindow(start: "2026-11-03T22:00:00", end: "2026-11-03T23:00:00Z", reason: "r") == nil)
        #expect(DeclaredWindow(start: "2026-11-03T23:00:00Z", end: "2026-11-03T22:00:00Z", reason: "r") == nil)
    }
}
