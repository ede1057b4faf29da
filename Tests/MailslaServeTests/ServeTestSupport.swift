import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Mailsla
import MailslaCore
import MailslaRules
import MailslaSLA
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
        // Generous: the whole suite runs in parallel on a 2-thread cooperative pool, and CPU-bound
        // tests can hold it for minutes on a slow machine while the exchange waits its turn (CI saw
        // 30 s pass that way). What these tests check is the answer, not how fast it came.
        configuration.timeoutIntervalForRequest = 600
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

/// HTTP over a plain socket, for requests URLSession will not make: a
/// chunked body of unknown length, or a 401 with a Basic challenge (which
/// URLSession on Linux answers by waiting for credentials). Blocking I/O on a
/// Dispatch thread with a receive time-out, so a test never hangs on it.
enum RawHTTP {
    /// A whole exchange with `Connection: close`; returns the answer as text.
    static func exchange(port: Int, _ head: String, body: Data = Data()) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try send(port: port, Data(head.utf8) + body) })
            }
        }
    }

    static func get(port: Int, path: String, headers: [String: String]) async throws -> String {
        let fields = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        return try await exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(fields)Connection: close\r\n\r\n")
    }

    static func post(port: Int, path: String, chunks: [Data]) async throws -> String {
        var body = Data()
        for chunk in chunks {
            body += Data(String(chunk.count, radix: 16).utf8) + Data("\r\n".utf8) + chunk + Data("\r\n".utf8)
        }
        body += Data("0\r\n\r\n".utf8)
        return try await exchange(port: port, "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                                  body: body)
    }

    struct SocketError: Error { let what: String }

    private static func send(port: Int, _ request: Data) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(what: "socket") }
        defer { close(fd) }
        // As long as the URLSession client waits (above): the server's handlers run on the cooperative
        // pool, which the suite's synchronous tests hold for up to ~100 s; these tests check answers.
        var timeout = timeval(tv_sec: 600, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError(what: "connect") }
        // The server may answer and close before it has read everything: a failed send is not an error here.
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

/// A pipeline fed the way the tail engine feeds it: chunks of whole lines
/// from named sources, each hand-over wrapped in `SourceStatus.count`, the
/// pipeline never finished.
final class LiveFeed {
    let pipeline: Pipeline
    var sources: [SourceStatus]
    private var parser: SyslogParser
    private var batch = RecordBatch()

    init(sources: [String], detection: DetectionSettings = DetectionSettings()) {
        let symbols = SymbolTable()
        pipeline = Pipeline(symbols: symbols, rules: shippedRules, detection: detection)
        self.sources = sources.map(SourceStatus.init(name:))
        parser = SyslogParser(symbols: symbols, years: YearTracker(.firstLineYear(2026)))
    }

    /// Hands `bytes` (whole lines) to the pipeline as lines of source `index`.
    func feed(_ bytes: some Collection<UInt8>, source index: Int) {
        sources[index].count(pipeline) {
            var framer = LineFramer()
            var malformed = MalformedCounts()
            let data = Array(bytes)
            var lines = data.withUnsafeBytes { framer.append($0) }
            lines.append(framer.takeLines(atEnd: true))
            for framed in lines where !framed.lines.isEmpty {
                parser.parse(framed, into: &batch, malformed: &malformed)
                try! pipeline.process(batch)
            }
            pipeline.addFraming(framer.counters, malformed: malformed)
        }
    }

    /// Feeds `bytes` in chunks of about `chunk` bytes cut after a newline, alternating between the sources.
    func feedAlternating(_ bytes: [UInt8], chunk: Int = 1 << 16, publish: (() async throws -> Void)? = nil) async rethrows {
        var start = 0, turn = 0
        while start < bytes.count {
            var end = min(bytes.count, start + chunk)
            while end < bytes.count, bytes[end - 1] != 0x0A { end += 1 }
            feed(bytes[start..<end], source: turn % sources.count)
            turn += 1
            start = end
            try await publish?()
        }
    }

    func metrics(sla: SLAResult? = nil, services: Set<String> = Set(KnownService.names), checkpointAge: Double? = nil) -> LiveMetrics {
        LiveMetrics(pipeline: pipeline, sources: sources, checkpointAge: checkpointAge, sla: sla, services: services, version: "test")
    }
}

/// Runs `promtool check metrics` (Debian's prometheus package) on a scrape; returns its exit status and output.
func promtool(_ text: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
    process.arguments = ["check", "metrics"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
