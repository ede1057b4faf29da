import ArgumentParser
import Foundation
import Mailsla
import MailslaStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The report of one month from the state database of `mailsla tail`."
    )

    @Option(help: "The state database (the `store` of the tail configuration).")
    var state: String

    @Option(help: "The billing month, YYYY-MM, in the configured zone.")
    var month: String

    @Option(help: "The configuration file: SLA terms and time zone (default: the built-in terms, UTC).")
    var config: String?

    @Option(help: "Report format: text, json, or html (one self-contained page).")
    var format: ReplayCommand.OutputFormat = .text

    func validate() throws {
        _ = try parsedMonth()
    }

    private func parsedMonth() throws -> (year: Int, month: Int) {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
            throw ValidationError("--month must be YYYY-MM, e.g. 2026-11.")
        }
        return (y, m)
    }

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try config.map { try ConfigLoader.load(path: $0) } ?? Configuration()
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        }
        let (year, month) = try parsedMonth()
        let zone = configuration.timeZone
        var policy = configuration.sla
        policy.timeZone = zone
        let result: ReplayResult
        do {
            let store = try StateStore(readingFrom: state)
            let agreement = Agreement(policy: policy, period: .month(year: year, month: month, in: zone), timeZone: zone)
            result = try StoredReport(store: store, agreement: agreement).result()
        } catch let error as StoreError {
            printError(error.description)
            throw ExitCode(2)
        }
        switch format {
        case .json: print(ReplayReport(result: result, timeZoneName: configuration.timeZoneName).json().rendered())
        case .html: print(HTMLReport(result: result, timeZoneName: configuration.timeZoneName).render(), terminator: "")
        case .text: print(ReplayReport(result: result, timeZoneName: configuration.timeZoneName).text(), terminator: "")
        }
    }
}
