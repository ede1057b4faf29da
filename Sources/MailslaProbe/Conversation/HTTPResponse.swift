import Foundation

/// The parts of an HTTP/1.x response the `http` probe checks: status and body.
/// Parsed from the bytes read until the server closed (the request says
/// `Connection: close`); chunked bodies are decoded, a body cut at the read
/// limit is kept as far as it came.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.map(\.name) == b.headers.map(\.name)
            && a.headers.map(\.value) == b.headers.map(\.value)
    }

    /// The request line and headers of the probe's GET.
    public static func request(host: String, port: Int, tls: Bool, path: String) -> [UInt8] {
        let defaultPort = tls ? 443 : 80
        let authority = port == defaultPort ? host : "\(host):\(port)"
        let text = "GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: mailsla-probe\r\nAccept: */*\r\n"
            + "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    /// Parses a response; throws a `.protocol` failure when the bytes are not HTTP.
    public init(parsing bytes: [UInt8]) throws(ProbeFailure) {
        let crlfcrlf: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = Self.find(crlfcrlf, in: bytes, from: 0) else {
            throw ProbeFailure(.protocol, bytes.isEmpty ? "empty HTTP response" : "HTTP response without the end of its headers")
        }
        let head = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...999).contains(status) else {
            throw ProbeFailure(.protocol, "not an HTTP status line: '\(excerpt(statusLine))'")
        }
        self.status = status
        headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let rest = Array(bytes[(headerEnd + 4)...])
        if headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = Self.dechunk(rest)
        } else if let length = headers.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }) {
            body = Array(rest.prefix(length))
        } else {
            body = rest
        }
    }

    /// Whether the body contains `text` (bytes compared exactly).
    public func bodyContains(_ text: String) -> Bool {
        Self.find(Array(text.utf8), in: body, from: 0) != nil
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while let lineEnd = find([13, 10], in: bytes, from: i) {
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            let end = min(start + size, bytes.count)
            out += bytes[start..<end]
            i = end + 2
            if i >= bytes.count { break }
        }
        return out
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        for i in from...(hay.count - needle.count) where hay[i] == needle[0] {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
