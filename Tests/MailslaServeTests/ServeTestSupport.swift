import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Mailsla
import MailslaRules
import ServiceLifecycle
@testable import MailslaServe

/// The package's root, for the shipped rules.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shipped rule pack, compiled once for all tests.
let shippedRules: RuleSet = try! RuleSet(directory: packageRoot.appendingPathComponent("rules").path)

/// Settings for a test server: loopback, an ephemeral port.
func testSettings(_ change: (inout ListenSettings) -> Void = { _ in }) -> ListenSettings {
    var settings = ListenSettings()
    settings.port = 0
    change(&settings)
    return settings
}

/// A real `StatusServer` on an ephemeral loopback port, run by a real
/// `ServiceGroup` and stopped by a graceful shutdown, as `mailsla tail` runs it.
final class RunningServer: Sendable {
    let board: StatusBoard
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    struct NotListening: Error {}

    private init(board: StatusBoard, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.board = board
        self.port = port
        self.group = group
        self.task = task
    }

    static func start(_ settings: ListenSettings = testSettings(), board: StatusBoard = StatusBoard(version: "test"),
                      staleAfter: Duration = .seconds(30)) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "mailsla.serve.test")
        logger.logLevel = .warning
        let server = StatusServer(settings: settings, board: board, staleAfter: staleAfter, logger: logger) { address in
            continuation.yield(address.port ?? 0)
        }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await port in ports {
            return RunningServer(board: board, port: port, group: group, task: task)
        }
        _ = try await task.value
        throw NotListening()
    }

    /// Shuts the group down gracefully and waits for the server to end; throws what it threw.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPAnswer {
        try await HTTPAnswer.fetch(method, url(path), headers: headers, body: body)
    }
}

/// One HTTP exchange over a real socket (URLSession, libcurl underneath).
struct HTTPAnswer {
    let status: Int
    /// Header names in lower case.
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    static func fetch(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPAnswer {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
    }
}

/// One sample line of the text exposition format.
struct Sample: Hashable {
    let name: String
    let labels: [String: String]
    let value: Double

    /// The series it belongs to: name and labels, without the value.
    var series: String { name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}" }
}

/// A scrape parsed: samples plus the TYPE of each family.
struct Exposition {
    var samples: [Sample] = []
    var types: [String: String] = [:]

    struct Malformed: Error, CustomStringConvertible {
        let line: String
        var description: String { "not an exposition line: \(line)" }
    }

    /// Parses the text format strictly enough that a wrong line throws.
    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw Malformed(line: line) }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(line))
        }
    }

    private static func sample(_ line: String) throws -> Sample {
        var chars = Array(line.unicodeScalars)[...]
        var name = ""
        while let c = chars.first, c != "{", c != " " { name.unicodeScalars.append(c); chars.removeFirst() }
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars.removeFirst()
            while chars.first != "}" {
                var key = ""
                while let c = chars.first, c != "=" { key.unicodeScalars.append(c); chars.removeFirst() }
                guard chars.popFirst() == "=", chars.popFirst() == "\"" else { throw Malformed(line: line) }
                var value = ""
                while let c = chars.popFirst(), c != "\"" {
                    if c == "\\" {
                        switch chars.popFirst() {
                        case "n": value += "\n"
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        default: throw Malformed(line: line)
                        }
                    } else {
                        value.unicodeScalars.append(c)
                    }
                }
                labels[key] = value
                if chars.first == "," { chars.removeFirst() }
                guard !chars.isEmpty else { throw Malformed(line: line) }
            }
            chars.removeFirst()
        }
        guard chars.popFirst() == " ", let value = Double(String(String.UnicodeScalarView(chars))) else { throw Malformed(line: line) }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of one series; nil when absent.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Sum over every series of a name.
    func total(_ name: String) -> Double { samples.filter { $0.name == name }.reduce(0) { $0 + $1.value } }

    var series: Set<String> { Set(samples.map(\.series)) }
}
