import Foundation
import Mailsla
import MailslaCore
import MailslaSLA

/// The status page of `mailsla tail`: the report's own HTML (`HTMLReport`)
/// for the billing month so far, built from the live pipeline the same way
/// replay and `report --state` build theirs (`pipeline.result` + `Agreement`),
/// so the three show the same figures for the same data.
public struct StatusPage: Sendable {
    /// The page, ready for `StatusBoard.publish(_:html:)`.
    public let html: String
    /// The agreement's figures for the month so far (nil without probe data), for `LiveMetrics`.
    public let sla: SLAResult?

    /// Renders the month (in `timeZone`) that contains `now`. Call it on the
    /// engine thread at a batch boundary. `sources` and `errors` are what the
    /// page's input section lists; `probes` every probe result the engine
    /// holds. Cost: an SLA evaluation and an HTML render, a few milliseconds
    /// for a month of data, so render every few seconds, not every batch.
    public static func render(pipeline: Pipeline, sources: [String], errors: [InputError] = [], probes: ProbeData?,
                              policy: SLAPolicy, timeZone: TimeZone, timeZoneName: String, now: Date = Date(),
                              elapsedSeconds: Double) -> StatusPage {
        let nowMicros = Int64((now.timeIntervalSince1970 * 1e6).rounded())
        let month = SLAPeriod.months(coveringMicros: nowMicros, nowMicros, in: timeZone)
        var result = pipeline.result(sources: sources, errors: errors, elapsedSeconds: elapsedSeconds)
        Agreement(policy: policy, period: month, timeZone: timeZone).evaluate(probes, into: &result)
        return StatusPage(html: HTMLReport(result: result, timeZoneName: timeZoneName).render(), sla: result.sla)
    }

    /// What / shows before the engine's first publish.
    static let placeholder = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>mailsla — starting</title></head>
        <body><p>mailsla is starting: no status has been published yet.</p></body></html>

        """
}
