import Hummingbird
import Logging
import Mailsla
import NIOCore
import ServiceLifecycle

/// The HTTP surface of `mailsla tail`, as a swift-service-lifecycle `Service`
/// for the tail's `ServiceGroup`:
///
/// | route | method | answer |
/// |---|---|---|
/// | `/metrics` | GET | Prometheus text format 0.0.4 |
/// | `/healthz` | GET | 200 `ok` while the engine published within `staleAfter`, else 503; never asks for credentials |
/// | `/` | GET | the status page (the report's HTML for the month so far) |
/// | `/probes` | POST | probe results (JSON lines or CSV); 413 over the body limit, 429 over the rate limit |
///
/// Any other path is 404, another method 405 (with `Allow`); a missing or
/// wrong credential 401. It reads only from the `StatusBoard` and writes only
/// into its inbox: no route touches a file or runs anything.
public struct StatusServer: Service {
    public let settings: ListenSettings
    public let board: StatusBoard
    /// /healthz answers 503 when the engine has not published for this long.
    public let staleAfter: Duration
    let logger: Logger
    let onListening: @Sendable (SocketAddress) async -> Void

    /// `onListening` is called once the socket is bound, with the address
    /// (tests bind port 0 and read the port from it).
    public init(settings: ListenSettings, board: StatusBoard, staleAfter: Duration = .seconds(30),
                logger: Logger = Logger(label: "mailsla.serve"),
                onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in }) {
        self.settings = settings
        self.board = board
        self.staleAfter = staleAfter
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the task is cancelled or the service group shuts down gracefully.
    public func run() async throws {
        if !settings.isLoopback && settings.auth == nil {
            logger.warning("listening on a non-loopback address without credentials",
                           metadata: ["address": "\(settings.address)", "port": "\(settings.port)"])
        }
        let responder = StatusResponder(board: board, staleAfter: staleAfter, authenticator: Authenticator(settings.auth),
                                        limiter: RateLimiter(requests: settings.rateLimitRequests,
                                                             windowSeconds: settings.rateLimitWindowSeconds),
                                        bodyLimit: settings.bodyLimitBytes)
        let onListening = self.onListening
        let logger = self.logger
        let app = Application(responder: responder,
                              configuration: ApplicationConfiguration(address: .hostname(settings.address, port: settings.port),
                                                                      serverName: "mailsla"),
                              onServerRunning: { channel in
                                  if let address = channel.localAddress {
                                      logger.info("serving /metrics, /healthz, / and POST /probes", metadata: ["address": "\(address)"])
                                      await onListening(address)
                                  }
                              },
                              logger: logger)
        try await app.run()
    }
}
