import MailslaSLA
import Prometheus
import Synchronization

/// The one place the engine thread and the HTTP server meet. The engine
/// publishes what it has (metrics, the rendered status page) at a batch
/// boundary; the server only reads those. Probe results accepted over HTTP
/// go the other way, into an inbox the engine drains (`takeProbeResults`).
///
/// Everything is behind a `Mutex`; each call holds it for a copy or a short
/// update, never across I/O, so neither side waits on the other's work.
public final class StatusBoard: Sendable {
    /// What made the server refuse a request, counted in `mailsla_http_refused_total`.
    public enum Refusal: String, Sendable, CaseIterable {
        case unauthorized, tooLarge = "too_large", rateLimited = "rate_limited", inboxFull = "inbox_full"
    }

    /// Probe results the inbox holds at most; an upload beyond it is refused (503) until the engine drains.
    public let inboxLimit: Int

    private struct State {
        var metrics: LiveMetrics
        var html: String
        var publishedAt: ContinuousClock.Instant?
        var inbox: [ProbeResult] = []
    }

    private let state: Mutex<State>
    /// Apart from `state`, so a publish that records many histogram observations never holds up a read.
    private let exporter: Mutex<MetricsExporter>
    private let registry: PrometheusCollectorRegistry
    private let refused: [Refusal: Counter]
    private let probeLines: [String: Counter]

    /// `version` is shown by `mailsla_build_info` until the first publish; give
    /// the engine's `LiveMetrics` the same one, or two build_info series appear.
    public init(version: String, inboxLimit: Int = 100_000) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.inboxLimit = inboxLimit
        var exporter = MetricsExporter(registry: registry)
        let empty = LiveMetrics(version: version)
        exporter.publish(empty)
        self.exporter = Mutex(exporter)
        state = Mutex(State(metrics: empty, html: StatusPage.placeholder))
        var refused: [Refusal: Counter] = [:]
        for r in Refusal.allCases {
            refused[r] = registry.makeCounter(descriptor: .plain("mailsla_http_refused_total", "HTTP requests refused, by reason."),
                                              labels: [("reason", r.rawValue)])
        }
        self.refused = refused
        var lines: [String: Counter] = [:]
        for outcome in ["accepted", "duplicate", "malformed"] {
            lines[outcome] = registry.makeCounter(descriptor: .plain("mailsla_probe_upload_lines_total",
                                                                          "Lines of probe results posted to /probes, by outcome."),
                                                  labels: [("outcome", outcome)])
        }
        probeLines = lines
    }

    // MARK: engine side

    /// Publishes a new moment: metrics always, the status page when given.
    /// Marks the engine alive for /healthz.
    public func publish(_ metrics: LiveMetrics, html: String? = nil) {
        exporter.withLock { $0.publish(metrics) }
        state.withLock { s in
            s.metrics = metrics
            if let html { s.html = html }
            s.publishedAt = .now
        }
    }

    /// Takes every probe result accepted since the last call, oldest first.
    public func takeProbeResults() -> [ProbeResult] {
        state.withLock { s in
            defer { s.inbox = [] }
            return s.inbox
        }
    }

    // MARK: server side

    public var metrics: LiveMetrics { state.withLock { $0.metrics } }
    public var statusHTML: String { state.withLock { $0.html } }
    /// When the engine last published; nil before its first publish.
    public var publishedAt: ContinuousClock.Instant? { state.withLock { $0.publishedAt } }

    /// The exposition text of /metrics.
    public func metricsText() -> String { registry.emitToString() }

    /// Puts accepted results into the inbox, all or none; false when they would overflow it.
    public func submit(_ results: [ProbeResult]) -> Bool {
        state.withLock { s in
            guard s.inbox.count + results.count <= inboxLimit else { return false }
            s.inbox += results
            return true
        }
    }

    func count(_ refusal: Refusal) { refused[refusal]?.increment() }

    func countProbeLines(accepted: Int, duplicates: Int, malformed: Int) {
        probeLines["accepted"]?.increment(by: Int64(accepted))
        probeLines["duplicate"]?.increment(by: Int64(duplicates))
        probeLines["malformed"]?.increment(by: Int64(malformed))
    }
}
