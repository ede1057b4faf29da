import Hummingbird
import NIOCore

/// Answers every request of `StatusServer`: a fixed table of four routes,
/// checked in the order path (404), credentials (401), method (405), so an
/// unknown path or method never reaches a handler.
struct StatusResponder: HTTPResponder {
    typealias Context = StatusRequestContext

    let board: StatusBoard
    let staleAfter: Duration
    let authenticator: Authenticator
    let limiter: RateLimiter
    let bodyLimit: Int
    /// The rate limit's clock origin.
    let started = ContinuousClock.now

    private static let routes: [String: (method: HTTPRequest.Method, open: Bool)] = [
        "/metrics": (.get, false), "/healthz": (.get, true), "/": (.get, false), "/probes": (.post, false),
    ]

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard let route = Self.routes[path] else { return Self.text(.notFound, "not found\n") }
        if !route.open, !authenticator.allows(request.headers[.authorization]) {
            board.count(.unauthorized)
            var response = Self.text(.unauthorized, "unauthorized\n")
            response.headers[.wwwAuthenticate] = authenticator.challenge
            return response
        }
        guard request.method == route.method else {
            var response = Self.text(.methodNotAllowed, "method not allowed\n")
            response.headers[.allow] = route.method.rawValue
            return response
        }
        switch path {
        case "/metrics":
            return Self.body(.ok, board.metricsText(), type: "text/plain; version=0.0.4; charset=utf-8")
        case "/healthz":
            return health()
        case "/":
            var response = Self.body(.ok, board.statusHTML, type: "text/html; charset=utf-8")
            // The page is self-contained: inline CSS and SVG, no scripts, nothing fetched.
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
            return response
        default:
            return try await probes(request, context: context)
        }
    }

    private func health() -> Response {
        guard let published = board.publishedAt else { return Self.text(.serviceUnavailable, "starting: nothing published yet\n") }
        let age = ContinuousClock.now - published
        guard age <= staleAfter else {
            return Self.text(.serviceUnavailable, "stale: the engine last published \(age.components.seconds) s ago\n")
        }
        return Self.text(.ok, "ok\n")
    }

    private func probes(_ request: Request, context: Context) async throws -> Response {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let wait = limiter.take(context.client, now: seconds) {
            board.count(.rateLimited)
            var response = Self.text(.tooManyRequests, "too many requests\n")
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > bodyLimit {
            return tooLarge()
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            return tooLarge()
        }
        let upload = ProbeUpload(body: body.readableBytesView, contentType: request.headers[.contentType])
        guard board.submit(upload.results) else {
            board.count(.inboxFull)
            return Self.body(.serviceUnavailable, upload.answer(refused: "the inbox is full; retry later"), type: "application/json")
        }
        board.countProbeLines(accepted: upload.results.count, duplicates: upload.data.counts.duplicates,
                              malformed: upload.data.counts.malformedTotal)
        // Nothing usable in a body that had lines: the client sent the wrong thing.
        let status: HTTPResponse.Status = upload.results.isEmpty && upload.data.counts.malformedTotal > 0 ? .badRequest : .ok
        return Self.body(status, upload.answer(), type: "application/json")
    }

    private func tooLarge() -> Response {
        board.count(.tooLarge)
        return Self.text(.contentTooLarge, "request body larger than \(bodyLimit) bytes\n")
    }

    private static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        body(status, text, type: "text/plain; charset=utf-8")
    }

    private static func body(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
