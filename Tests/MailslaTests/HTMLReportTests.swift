import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MailslaCore
import MailslaSLA
import Testing
@testable import Mailsla

/// The HTML report: well-formed, the JSON report's figures, hostile log text
/// shown as text, per-day figures that add up to the period's. Chromium is
/// not needed here; scripts/check-html-report renders the page in it.
@Suite struct HTMLReportTests {
    /// Markup, quotes and an ampersand, as a hostile log or configuration could carry them.
    static let hostile = #"<script>alert("x")</script>'&"#

    // MARK: well-formed

    @Test func thePageIsWellFormedXMLWithoutScriptsOrExternalAssets() throws {
        let html = HTMLReport(result: try HTMLReportFixture.replay(), timeZoneName: "UTC").render()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        let document = try Self.parse(html)
        #expect(document.rootElement()?.name == "html")
        #expect(try document.nodes(forXPath: "//script").isEmpty)
        #expect(try document.nodes(forXPath: "//*[@src]").isEmpty)
        let links = try document.nodes(forXPath: "//a/@href").compactMap(\.stringValue)
        #expect(!links.isEmpty && links.allSatisfy { $0.hasPrefix("#") })
        // Every section the replay has material for.
        for id in ["verdict", "problems", "services", "timeline", "daily", "incidents", "episodes", "flow", "input"] {
            #expect(try !document.nodes(forXPath: "//section[@id='\(id)']").isEmpty, "\(id)")
        }
        // Simple tag balance as a second opinion, independent of the XML parser.
        #expect(Self.unbalancedTags(html) == [])
    }

    @Test func withoutProbesThePageSaysSoAndHasNoVerdict() throws {
        var result = try HTMLReportFixture.replay()
        result.sla = nil
        result.probes = nil
        let html = HTMLReport(result: result, timeZoneName: "UTC").render()
        let document = try Self.parse(html)
        #expect(try document.nodes(forXPath: "//section[@id='verdict']").isEmpty)
        #expect(try document.nodes(forXPath: "//section[@id='daily']").isEmpty)
        #expect(html.contains("No probe results were given (--probes)"))
        #expect(Self.unbalancedTags(html) == [])
    }

    // MARK: the JSON report's figures

    @Test func everyFigureIsTheJSONReportsValue() throws {
        let result = try HTMLReportFixture.replay()
        let sla = try #require(result.sla)
        let html = HTMLReport(result: result, timeZoneName: "UTC").render()
        let figures = try Self.figures(in: Self.parse(html))
        let json = Self.flatten(Self.reference(result))
        for (key, values) in figures {
            let expected = try #require(json[key], "\(key) is not in the JSON report")
            #expect(Set(values) == [expected], "\(key): HTML \(values), JSON \(expected)")
        }
        // The figures an auditor checks are all there.
        var required = ["period.minutes", "sla.availability", "sla.raw_availability", "sla.objective", "sla.minimum",
                        "sla.budget_minutes", "sla.budget_left_minutes", "server.counted_downtime_minutes",
                        "input.lines", "input.parsed", "input.malformed", "input.classified", "flow.received",
                        "flow.delivered", "flow.rejected", "flow.latency_seconds.p50", "flow.latency_seconds.max"]
        for (index, service) in ([sla.server] + sla.services).enumerated() {
            let prefix = index == 0 ? "server" : "services.\(service.name)"
            for key in ["tests", "failed_tests", "downtime_minutes", "excluded_minutes", "counted_downtime_minutes",
                        "no_data_minutes", "raw_availability", "availability"] {
                required.append("\(prefix).\(key)")
            }
            for i in service.incidents.indices {
                required += ["downtime_minutes", "excluded_minutes", "failed_tests"].map { "\(prefix).incidents.\(i).\($0)" }
            }
        }
        for key in required { #expect(figures[key] != nil, "\(key) missing from the page") }
        // The fixture's story, so the comparison is not vacuous: one counted incident, one excluded.
        let smtp = try #require(sla.service("smtp-in"))
        #expect(smtp.incidents.count == 1 && smtp.countedDowntimeMinutes == 20)
        let pop = try #require(sla.service("pop3"))
        #expect(pop.incidents.count == 1 && pop.excludedMinutes == 15)
        #expect(Set(figures["server.counted_downtime_minutes"] ?? []) == ["20"])
        #expect(html.contains(">20 min</data>"))
    }

    @Test func theShownDigitsAreTheTextReportsDigits() throws {
        let result = try HTMLReportFixture.replay()
        let sla = try #require(result.sla)
        let text = SLAReportSection(result: sla).text()
        let html = HTMLReport(result: result, timeZoneName: "UTC").render()
        // Text: "availability 99.9537 %"; HTML: "99.9537 %" with a no-break space.
        let shown = HTMLFormat.percent(sla.sla.availability)
        #expect(text.contains("availability " + shown.replacingOccurrences(of: "\u{00A0}", with: " ")))
        #expect(html.contains(">" + shown + "</data>"))
        #expect(text.contains("left \(HTMLFormat.minutes(sla.sla.budgetLeftMinutes)) min"))
        #expect(html.contains(">" + HTMLFormat.minutes(sla.sla.budgetLeftMinutes) + " min</data>"))
    }

    // MARK: hostile text

    @Test func hostileLogTextIsEscapedEverywhere() throws {
        var result = try HTMLReportFixture.replay(hostile: true)
        // The replay really carried the hostile names in, so the check below is not vacuous.
        let hosts = result.counters.byHost.keys.map { result.symbols.name($0) }
        #expect(hosts.contains(HTMLReportFixture.hostileHost))
        #expect(result.sla?.services.contains { $0.name == HTMLReportFixture.hostileService } == true)
        #expect(result.sla?.exclusionWindows.contains { $0.reason.detail == Self.hostile } == true)
        result.episodes = DetectionResult(episodes: [HTMLReportFixture.hostileEpisode], stats: DetectionStats())
        result.errors.append(InputError(.unreadable, path: "/tmp/" + Self.hostile, reason: "no \"such\" <file>"))

        let html = HTMLReport(result: result, timeZoneName: "UTC").render()
        let lower = html.lowercased()
        for injected in ["<script", "<img", "<svg onload", "<b>", "<i>", "<opened>", "=\"x\"", "'1'"] {
            let found = lower.contains(injected)
            #expect(!found, "\(injected) reached the page unescaped")
        }
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        // It still parses, and the parser gives the hostile strings back as text, intact.
        let document = try Self.parse(html)
        #expect(try document.nodes(forXPath: "//script | //img | //b | //i").isEmpty)
        #expect(try document.nodes(forXPath: "//@*[starts-with(name(), 'on')]").isEmpty)
        let texts = try document.nodes(forXPath: "//text()").compactMap(\.stringValue).joined(separator: "\n")
        for s in [Self.hostile, HTMLReportFixture.hostileHost, HTMLReportFixture.hostileService, HTMLReportFixture.hostileOffender] {
            #expect(texts.contains(s), "\(s) not shown as text")
        }
        // In attributes too (data keys carry service names, tooltips sit in <title>).
        let keys = try document.nodes(forXPath: "//data/@data-key").compactMap(\.stringValue)
        #expect(keys.contains("services.\(HTMLReportFixture.hostileService).availability"))
        #expect(Self.unbalancedTags(html) == [])
    }

    @Test func escapingCoversQuotesAmpersandsAndControlCharacters() {
        #expect(HTMLText.escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        #expect(HTMLText.escape("plain host-1.example.com") == "plain host-1.example.com")
        #expect(HTMLText.escape("bell\u{07}nul\u{00}del\u{7F}tab\tnl\n") == "bell\u{FFFD}nul\u{FFFD}del\u{FFFD}tab\tnl\n")
        #expect(HTMLText.escape("x\u{FFFE}y\u{FFFF}z é 日本") == "x\u{FFFD}y\u{FFFD}z é 日本")
        let w = HTMLWriter()
        w.element("p", [("title", "\"><script>")], text: "</p><script>")
        #expect(w.output == "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;/p&gt;&lt;script&gt;</p>")
    }

    // MARK: days

    @Test(arguments: [ExclusionPolicy.incident, .overlap])
    func theDaysAddUpToThePeriod(policy: ExclusionPolicy) throws {
        // Berlin, March 2026: the 29th has 23 hours. Incidents across midnight and across the DST change,
        // one partly under a maintenance window.
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let period = SLAPeriod.month(year: 2026, month: 3, in: zone)
        func at(_ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
            ZoneClock(zone: zone).utcMicros(year: 2026, month: 3, day: day, hour: hour, minute: minute)
        }
        let failures: [ClosedRange<Int64>] = [at(10, 23, 30)...at(11, 0, 40), at(29, 1, 30)...at(29, 3, 50), at(20, 12, 0)...at(20, 12, 30)]
        var tests: [ProbeTest] = []
        var t = period.span.start
        while t < period.span.end {
            tests.append(ProbeTest(time: t, ok: !failures.contains { $0.contains(t) }))
            t += 300_000_000
        }
        let gap = at(5, 6, 0)..<at(5, 9, 0)
        let pop = tests.filter { !gap.contains($0.time) }.map { ProbeTest(time: $0.time, ok: true) }
        var policyTerms = SLAPolicy(exclusionPolicy: policy, timeZone: zone)
        policyTerms.maintenance = [DeclaredWindow(span: TimeSpan(start: at(11, 0, 0), end: at(11, 0, 30)), reason: "patching")]
        let sla = SLAEngine(policy: policyTerms).evaluate(
            ProbeData(series: [ProbeSeries(service: "smtp-in", tests: tests), ProbeSeries(service: "pop3", tests: pop)]),
            period: period)
        for service in [sla.server] + sla.services {
            let days = DailyAvailability.days(for: service, in: sla)
            #expect(days.count == 31)
            #expect(days.reduce(0) { $0 + $1.day.span.micros } == period.span.micros)
            #expect(days.reduce(0) { $0 + $1.downtimeMicros } == service.downtimeMicros, "\(service.name)")
            #expect(days.reduce(0) { $0 + $1.excludedMicros } == service.excludedMicros, "\(service.name)")
            #expect(days.reduce(0) { $0 + $1.countedMicros } == service.countedDowntimeMicros, "\(service.name)")
            #expect(days.reduce(0) { $0 + $1.noDataMicros } == service.noDataMicros, "\(service.name)")
        }
        let days = DailyAvailability.days(for: sla.server, in: sla)
        #expect(days[28].day.span.micros == 23 * 3_600_000_000)
        #expect(days[9].downtimeMicros == 30 * 60_000_000 && days[10].downtimeMicros == 40 * 60_000_000)
        // Policy incident excludes the whole run across midnight; overlap only its half hour under the window.
        #expect(days[9].excludedMicros == (policy == .incident ? 30 * 60_000_000 : 0))
        #expect(days[10].excludedMicros == (policy == .incident ? 40 : 30) * 60_000_000)
        #expect(days[4].noDataMicros > 0)
    }

    // MARK: size

    @Test func thePageGrowsWithColumnsNotWithTests() throws {
        // A month of one-minute tests, every other one failed: 21,600 failed tests, no incident.
        let period = SLAPeriod.month(year: 2026, month: 11, in: TimeZone(identifier: "UTC")!)
        var tests: [ProbeTest] = []
        var t = period.span.start, n = 0
        while t < period.span.end {
            tests.append(ProbeTest(time: t, ok: n % 2 == 0))
            t += 60_000_000
            n += 1
        }
        var result = try HTMLReportFixture.replay()
        let probes = ProbeData(series: [ProbeSeries(service: "smtp-in", tests: tests), ProbeSeries(service: "pop3", tests: tests)])
        result.probes = probes
        var terms = SLAPolicy()
        terms.defaultService = ServicePolicy(intervalSeconds: 60, failureThreshold: 2)
        result.sla = SLAEngine(policy: terms).evaluate(probes, period: period)
        #expect(result.sla?.server.failedTests == 43_200)
        let html = HTMLReport(result: result, timeZoneName: "UTC").render()
        let ticks = html.components(separatedBy: "class=\"fail\"").count - 1
        #expect(ticks > 0 && ticks <= 3 * 520)
        #expect(html.utf8.count < 600_000)
    }

    // MARK: helpers

    static func parse(_ html: String) throws -> XMLDocument {
        try XMLDocument(xmlString: html, options: [])
    }

    /// `data-key` → the `value`s of every `<data>` with that key.
    static func figures(in document: XMLDocument) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for case let element as XMLElement in try document.nodes(forXPath: "//data") {
            guard let key = element.attribute(forName: "data-key")?.stringValue,
                  let value = element.attribute(forName: "value")?.stringValue else { continue }
            out[key, default: []].append(value)
        }
        return out
    }

    /// The JSON report of `result`, with the SLA sections from the same section type when
    /// the replay report does not carry them yet.
    static func reference(_ result: ReplayResult) -> JSONValue {
        let json = ReplayReport(result: result, timeZoneName: "UTC").json()
        guard case .object(var members) = json, let sla = result.sla else { return json }
        let section = SLAReportSection(result: sla, probes: result.probes)
        if !members.contains(where: { $0.0 == "sla" }) { members += section.members() }
        if let index = members.firstIndex(where: { $0.0 == "input" }), case .object(var input) = members[index].1,
           !input.contains(where: { $0.0 == "probes" }), let probes = section.probeInputJSON() {
            input.append(("probes", probes))
            members[index].1 = .object(input)
        }
        return .object(members)
    }

    /// Scalars of a JSON document by dotted path (`services.smtp-in.incidents.0.downtime_minutes`), rendered as the report renders them.
    static func flatten(_ value: JSONValue, prefix: String = "") -> [String: String] {
        func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }
        switch value {
        case .object(let members):
            return members.reduce(into: [:]) { out, member in out.merge(flatten(member.1, prefix: path(member.0))) { a, _ in a } }
        case .array(let items):
            return items.enumerated().reduce(into: [:]) { out, item in out.merge(flatten(item.element, prefix: path("\(item.offset)"))) { a, _ in a } }
        default:
            return [prefix: value.rendered()]
        }
    }

    /// Tags opened and not closed (or closed and not opened), ignoring `<!…>` and self-closing tags.
    static func unbalancedTags(_ html: String) -> [String] {
        var stack: [String] = []
        var problems: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                problems.append("unterminated tag")
                break
            }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)> closes <\(stack.last ?? "nothing")>") }
            } else {
                stack.append(String(tag.prefix { $0 != " " }))
            }
        }
        return problems + stack.map { "<\($0)> not closed" }
    }
}

/// A small month: a few messages through Postfix, probes with one counted
/// incident (smtp-in, Nov 3) and one excluded by maintenance (pop3, Nov 10).
enum HTMLReportFixture {
    static let hostileHost = #"<script>alert("h")</script>"#
    static let hostileService = "<img src=x onerror=alert(1)>"
    static let hostileOffender = #"<svg onload="x">'1'"#

    static let hostileEpisode = Episode(
        id: "E1", kind: .connFlood, host: HTMLReportTests.hostile,
        start: RFC3339.micros("2026-11-03T09:50:00Z")!, end: RFC3339.micros("2026-11-03T10:30:00Z")!,
        topOffenders: [Offender(key: hostileOffender, type: "ip", count: 9)], targets: [],
        evidence: [EvidenceCount(kind: "attack.<i>pregreet</i>", count: 9)], minutes: [], elidedMinutes: 0, elidedEvents: 0,
        openedBy: "<opened>", closedBy: "<closed>", hotKeys: 1)

    static func replay(hostile: Bool = false) throws -> ReplayResult {
        let host = hostile ? hostileHost : "mx1"
        let log = [
            "Nov  3 10:00:01 \(host) postfix/smtpd[1]: 4ABCDEF123: client=a.example.net[198.51.100.1]",
            "Nov  3 10:00:01 \(host) postfix/qmgr[2]: 4ABCDEF123: from=<a@example.net>, size=10, nrcpt=1 (queue active)",
            "Nov  3 10:00:02 \(host) postfix/local[3]: 4ABCDEF123: to=<u@mx1.example.com>, relay=local, delay=1.5, delays=0/0/0/1.5, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  3 10:00:02 \(host) postfix/qmgr[2]: 4ABCDEF123: removed",
            "Nov  9 11:00:01 \(host) postfix/smtpd[1]: 5BCDEF1234: client=b.example.net[198.51.100.2]",
            "Nov  9 11:00:01 \(host) postfix/qmgr[2]: 5BCDEF1234: from=<b@example.net>, size=20, nrcpt=1 (queue active)",
            "Nov  9 11:00:04 \(host) postfix/local[3]: 5BCDEF1234: to=<v@mx1.example.com>, relay=local, delay=3, delays=0/0/0/3, dsn=2.0.0, status=sent (delivered to mailbox)",
            "Nov  9 11:00:04 \(host) postfix/qmgr[2]: 5BCDEF1234: removed",
            "Nov  9 11:05:00 \(host) postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 <x@example.com>: Relay access denied; from=<s@example.net> to=<x@example.com> proto=ESMTP helo=<h>",
            "Nov  9 11:06:00 \(host) \(hostile ? "evil'\"<b>" : "postfix/anvil")[4]: statistics: max connection rate 1/60s",
        ].joined(separator: "\n") + "\n"
        // Every 5 minutes all of November; smtp-in fails 10:00-10:20 on the 3rd, pop3 02:05-02:20 on the 10th.
        var probes = ""
        let start = RFC3339.micros("2026-11-01T00:00:00Z")!
        let services = ["smtp-in", "pop3"] + (hostile ? [hostileService] : [])
        for step in 0..<(30 * 288) {
            let t = start + Int64(step) * 300_000_000
            let stamp = TimeFormat.rfc3339(micros: t)
            for service in services {
                var ok = true
                if service == "smtp-in", stamp >= "2026-11-03T10:00:00Z", stamp <= "2026-11-03T10:20:00Z" { ok = false }
                if service == "pop3", stamp >= "2026-11-10T02:05:00Z", stamp <= "2026-11-10T02:20:00Z" { ok = false }
                let name = service.replacingOccurrences(of: "\"", with: "\\\"")
                probes += "{\"ts\": \"\(stamp)\", \"service\": \"\(name)\", \"ok\": \(ok), \"latency_ms\": 30, \"error\": \"\"}\n"
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("html-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logURL = directory.appendingPathComponent(hostile ? "mail<b>&'\".log" : "mail.log")
        let probeURL = directory.appendingPathComponent("probes.jsonl")
        try log.write(to: logURL, atomically: true, encoding: .utf8)
        try probes.write(to: probeURL, atomically: true, encoding: .utf8)

        var options = ReplayOptions()
        options.paths = [logURL.path]
        options.probePaths = [probeURL.path]
        options.year = 2026
        options.rules = shippedRules
        options.period = .month(year: 2026, month: 11, in: options.timeZone)
        options.sla.maintenance = [DeclaredWindow(span: TimeSpan(start: RFC3339.micros("2026-11-10T02:00:00Z")!,
                                                                 end: RFC3339.micros("2026-11-10T03:00:00Z")!),
                                                  reason: hostile ? HTMLReportTests.hostile : "storage migration")]
        return try Replay(options: options).run()
    }
}
