import Prometheus

/// Maps successive `LiveMetrics` values onto a swift-prometheus registry and
/// renders the exposition text of /metrics.
///
/// The pipeline keeps running totals; Prometheus counters only go up. So each
/// counter advances by the difference since the last publish, and a total
/// that went down (a source restarted from scratch) is taken as the new base
/// instead of moving the counter back. Gauges are set. After a restart that
/// resumed from a checkpoint, the first publish brings the counters to the
/// restored totals, so they continue instead of starting at zero.
///
/// Series are made the first time a value has them; label values come only
/// from `LiveMetrics`' closed key sets (see there). Not thread-safe by
/// itself: the `StatusBoard` holds it behind its lock.
public struct MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    private var counters: [SeriesKey: (metric: Counter, last: Int)] = [:]
    private var gauges: [SeriesKey: Gauge] = [:]
    private var histograms: [String: (metric: ValueHistogram, last: Distribution)] = [:]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The exposition text (format 0.0.4) of everything published so far.
    public func render() -> String { registry.emitToString() }

    /// Brings every metric to the values of `m`.
    public mutating func publish(_ m: LiveMetrics) {
        gauge("mailsla_build_info", "Always 1; the version of mailsla serving these metrics.", ["version": m.version], 1)

        for s in m.sources {
            let l = ["source": s.name]
            counter("mailsla_lines_read_total", "Lines (or journal entries) read from a configured source.", l, s.linesRead)
            counter("mailsla_lines_parsed_total", "Lines of a configured source that the syslog parser understood.", l, s.parsed)
            counter("mailsla_lines_unmatched_total", "Parsed lines of a configured source that no rule matched.", l, s.unmatched)
            counter("mailsla_lines_malformed_total", "Lines of a configured source that the parser dropped.", l, s.malformed)
            if let lag = s.lagSeconds {
                gauge("mailsla_source_lag_seconds", "How far the pipeline is behind a configured source, in seconds.", l, lag)
            }
        }
        counter("mailsla_input_bytes_total", "Bytes read from text sources.", [:], m.bytes)
        counter("mailsla_lines_truncated_total", "Lines longer than the line limit, cut and counted.", [:], m.truncatedLines)
        for (reason, n) in m.malformedByReason {
            counter("mailsla_parse_errors_total", "Lines the syslog parser dropped, by reason.", ["reason": reason], n)
        }
        counter("mailsla_rule_limit_hits_total", "Rule matches cut by the PCRE2 match or depth limit.", [:], m.ruleLimitHits)
        counter("mailsla_source_failures_total", "Source failures (unreadable files, corrupt gzip, rejected journals).", [:], m.failedSources)

        counter("mailsla_messages_received_total", "Messages accepted from a client or picked up locally, each once.", [:], m.received)
        for (status, n) in m.messagesByStatus {
            counter("mailsla_messages_total", "Finished messages by final state.", ["status": status], n)
        }
        counter("mailsla_bounce_notices_total", "Bounce notices (from=<>) Postfix created.", [:], m.ndn)
        counter("mailsla_filter_verdicts_total", "Messages a content filter called spam or virus.", ["verdict": "spam"], m.spam)
        counter("mailsla_filter_verdicts_total", "Messages a content filter called spam or virus.", ["verdict": "virus"], m.virus)
        for (reason, n) in m.rejectedByReason {
            counter("mailsla_rejects_total", "Rejected attempts (NOQUEUE and milter rejects) by reason.", ["reason": reason], n)
        }
        counter("mailsla_delivery_deferrals_total", "Delivery attempts that were deferred.", [:], m.deferredAttempts)
        counter("mailsla_messages_evicted_total", "Unfinished messages evicted to keep memory bounded.", [:], m.evictedMessages)
        gauge("mailsla_messages_open", "Messages the correlator is following now.", [:], Double(m.openMessages))
        histogram("mailsla_delivery_latency_seconds", "End-to-end delivery latency (Postfix delay=) of finished messages.", m.latency)
        histogram("mailsla_filter_round_trip_seconds", "Content-filter round trip: hand-off until the message is back in Postfix.",
                  m.filterRoundTrip)

        for (kind, n) in m.episodesTotal {
            counter("mailsla_episodes_total", "Attack episodes found, by kind.", ["kind": kind], n)
        }
        for (kind, n) in m.episodesActive {
            gauge("mailsla_episodes_active", "Attack episodes open now, by kind.", ["kind": kind], Double(n))
        }
        counter("mailsla_episodes_dropped_total", "Episodes past the detectors' limit, not kept.", [:], m.episodesDropped)
        counter("mailsla_detector_keys_evicted_total", "Detector keys evicted while hot because a table was full.", [:],
                m.detectorKeysEvicted)

        for (service, ratio) in m.availability {
            gauge("mailsla_availability_ratio", "SLA availability of a service this month so far (exclusions applied).",
                  ["service": service], ratio)
        }
        for (service, n) in m.incidents {
            counter("mailsla_incidents_total", "Incidents (runs of failed probe tests) of a service.", ["service": service], n)
        }
        if let ratio = m.serverAvailability {
            gauge("mailsla_server_availability_ratio", "SLA availability of the composite server this month so far.", [:], ratio)
        }
        if let minutes = m.budgetLeftMinutes {
            gauge("mailsla_sla_budget_left_seconds", "Downtime the objective still allows this month; negative when missed.",
                  [:], minutes * 60)
        }
        gauge("mailsla_sla_unlisted_services", "Services in the probe data that the configuration does not name (not labelled).",
              [:], Double(m.unlistedServices))
        if let age = m.checkpointAgeSeconds {
            gauge("mailsla_checkpoint_age_seconds", "Seconds since the last checkpoint was committed.", [:], age)
        }
        if let bytes = m.checkpointSnapshotBytes {
            gauge("mailsla_checkpoint_snapshot_bytes", "Size of the pipeline state the last checkpoint wrote.", [:], Double(bytes))
        }
        if let seconds = m.checkpointIntervalSeconds {
            gauge("mailsla_checkpoint_interval_seconds",
                  "Seconds between checkpoints: tail.checkpoint_interval, longer when the state is large (tail.checkpoint_max_rate).",
                  [:], seconds)
        }
    }

    private mutating func counter(_ name: String, _ help: String, _ labels: [String: String], _ value: Int) {
        let key = SeriesKey(name: name, labels: labels)
        guard let (metric, last) = counters[key] else {
            let metric = registry.makeCounter(descriptor: .plain(name, help), labels: key.pairs)
            metric.increment(by: Int64(max(0, value)))
            counters[key] = (metric, value)
            return
        }
        if value > last { metric.increment(by: Int64(value - last)) }
        counters[key] = (metric, value)
    }

    private mutating func gauge(_ name: String, _ help: String, _ labels: [String: String], _ value: Double) {
        let key = SeriesKey(name: name, labels: labels)
        let metric = gauges[key] ?? registry.makeGauge(descriptor: .plain(name, help), labels: key.pairs)
        gauges[key] = metric
        metric.set(value)
    }

    /// Records, per bucket, as many observations as it gained since the last
    /// publish, each at the mean of their values (kept inside the bucket), so
    /// the bucket counts and the count are exact and the sum is as close as
    /// the source histogram allows.
    private mutating func histogram(_ name: String, _ help: String, _ d: Distribution) {
        let (metric, last) = histograms[name]
            ?? (registry.makeValueHistogram(descriptor: .plain(name, help), buckets: d.bounds), Distribution(bounds: d.bounds))
        for i in d.counts.indices {
            let added = d.counts[i] - last.counts[i]
            guard added > 0 else { continue }
            let low = i == 0 ? 0 : d.bounds[i - 1].nextUp
            let high = i < d.bounds.count ? d.bounds[i] : Double.greatestFiniteMagnitude
            let mean = min(high, max(low, (d.sums[i] - last.sums[i]) / Double(added)))
            for _ in 0..<added { metric.record(mean) }
        }
        histograms[name] = (metric, d)
    }
}

/// A metric name with its labels in a fixed order: one time series.
struct SeriesKey: Hashable, Sendable {
    let name: String
    let pairs: [(String, String)]

    init(name: String, labels: [String: String]) {
        self.name = name
        pairs = labels.sorted { $0.key < $1.key }
    }

    static func == (a: SeriesKey, b: SeriesKey) -> Bool {
        a.name == b.name && a.pairs.elementsEqual(b.pairs) { $0 == $1 }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        for (k, v) in pairs {
            hasher.combine(k)
            hasher.combine(v)
        }
    }
}

extension MetricNameDescriptor {
    /// A descriptor for a name written out whole (`mailsla_lines_read_total`), so grep finds it.
    static func plain(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
