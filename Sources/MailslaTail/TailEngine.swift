import Foundation
import Logging
import Mailsla
import MailslaCore
import MailslaProbe
import MailslaSLA
import MailslaServe
import MailslaStore
#if canImport(Glibc)
import Glibc
#endif

/// The engine of `mailsla tail`: one dedicated thread that owns the pipeline,
/// the sources and the SQLite writer (sd_journal is not thread-safe, and the
/// pipeline wants no locks per line).
///
/// Its loop: read what each source has → the pipeline → every
/// `checkpoint_interval`, and on stop, one checkpoint (positions taken *after*
/// the batches were processed, the pipeline's snapshot, the results since the
/// previous checkpoint) in one transaction → wait on the sources' descriptors
/// for at most 250 ms, so stop and reload requests are seen promptly. After
/// `kill -9` the next start restores the last checkpoint and re-reads from its
/// positions: no line lost, none counted twice.
final class TailEngine {
    let store: StateStore
    let control: EngineControl
    let logger: Logger
    let notifier: SystemdNotifier
    let version: String
    /// Where metrics and the status page are published and probe results come from (HTTP, the prober).
    let board: StatusBoard
    private(set) var plan: TailPlan
    let feed: PipelineFeed
    var sources: [LiveSource] = []
    /// Per configured source, what /metrics shows of it (same order as `sources`).
    var statuses: [SourceStatus] = []
    /// Totals as of the last checkpoint, to store growth as deltas.
    var storedTotals: [String: Int] = [:]
    /// Episodes as the store has them, by key.
    var storedEpisodes: [String: StoredEpisode] = [:]
    var lastCheckpoint = 0.0
    /// Seconds until the next checkpoint: `checkpoint_interval`, stretched so snapshots are written at no more
    /// than `checkpoint_max_rate` (set from each checkpoint's snapshot size).
    var checkpointEvery = 0.0
    /// The size of the last checkpoint's snapshot, for /metrics.
    var snapshotBytes: Int?
    /// Whether the last checkpoint attempt failed (logged once until one succeeds).
    var checkpointFailing = false
    /// Probe results for the SLA figures and incidents.
    var probes = ProbeBook(stored: ProbeData())
    /// The probe result files of `sources.probes`, when there are any, and what was read from them this run.
    var probeFiles: ProbeFileSource?
    var probeFileTotals: [String: Int] = [:]
    /// When incidents of the month so far were last evaluated (monotonic seconds).
    var lastIncidents = -Double.infinity
    /// Incidents are re-evaluated at most this often (an SLA evaluation of the month).
    static let incidentInterval = 30.0
    /// When the last checkpoint was committed (monotonic seconds), for `mailsla_checkpoint_age_seconds`.
    var lastCommitted: Double?
    var lastPublish = -Double.infinity
    var lastRelease = -Double.infinity
    /// Finished messages past their grace period are looked for this often when the sources are caught up.
    static let releaseInterval = 1.0
    var lastPage = -Double.infinity
    /// The status page last rendered, and the SLA figures it computed for the metrics.
    var page: StatusPage?
    let started = TailEngine.now()
    /// Metrics are published this often when nothing was read, and at most every `promptPublishInterval`
    /// after new lines, so a line shows on /metrics well within a second (`scripts/latency`); the status
    /// page (an SLA evaluation and an HTML render) less often.
    static let publishInterval = 1.0
    static let promptPublishInterval = 0.1
    /// Lines read at the last publish: new ones make the next publish prompt.
    var linesAtPublish = -1
    static let pageInterval = 10.0

    init(plan: TailPlan, store: StateStore, control: EngineControl, logger: Logger, notifier: SystemdNotifier, version: String,
         board: StatusBoard, tracker: MailflowProbeTracker?) {
        self.plan = plan
        self.board = board
        self.store = store
        self.control = control
        self.logger = logger
        self.notifier = notifier
        self.version = version
        feed = PipelineFeed(plan: plan, tracker: tracker)
    }

    var settings: TailSettings { plan.configuration.tail }

    /// Restores, follows until asked to stop, writes the last checkpoint. Throws what makes going on pointless
    /// (an unreadable state database, a snapshot that does not load).
    func run() throws {
        let stored = try store.load()
        if let stored {
            let drops = try feed.restore(stored.snapshot)
            logger.info("resuming from the last checkpoint", metadata: [
                "checkpoint": "\(stored.sequence)", "written_by": "\(stored.version)",
                "files": "\(stored.files.count)", "journal_cursors": "\(stored.journalCursors.count)",
                "lines_so_far": "\(feed.pipeline.counters.lines)",
            ])
            if !drops.isEmpty {
                logger.warning("state of rules no longer in the pack was dropped",
                               metadata: ["rules": "\(drops.rules.joined(separator: ","))", "kinds": "\(drops.kinds.keys.sorted())"])
            }
        } else {
            logger.info("first start: no checkpoint yet", metadata: ["start": "\(settings.start)"])
        }
        probes = ProbeBook(stored: try store.probeData())
        sources = try makeSources(files: stored?.files ?? [], cursors: stored?.journalCursors ?? [:], firstStart: stored == nil)
        probeFiles = makeProbeFiles(stored?.probeFiles ?? [])
        storedTotals = totals()
        lastCheckpoint = Self.now()
        checkpointEvery = settings.checkpointInterval
        control.set(.running)
        notifier.ready()
        try loop()
        notifier.stopping()
        try checkpoint()
        logger.info("stopped after the last checkpoint", metadata: ["lines": "\(feed.pipeline.counters.lines)"])
    }

    private func loop() throws {
        var lastWatchdog = 0.0
        while !control.stopRequested {
            if let next = control.takePendingPlan() { try apply(next) }
            var more = false
            for index in sources.indices {
                let before = feed.pipeline.counters.lines
                if try statuses[index].count(feed.pipeline, { try sources[index].read(into: feed) }) { more = true }
                if feed.pipeline.counters.lines > before, feed.pipeline.counters.lastTime != Int64.min {
                    statuses[index].lagSeconds = max(0, Date().timeIntervalSince1970 - Double(feed.pipeline.counters.lastTime) / 1e6)
                }
            }
            if let probeFiles, try probeFiles.read(into: &probes, totals: &probeFileTotals) { more = true }
            drainProbeInbox()
            let now = Self.now()
            if now - lastCheckpoint >= checkpointEvery { try checkpoint() }
            let news = feed.pipeline.counters.lines != linesAtPublish
            if now - lastPublish >= (news ? Self.promptPublishInterval : Self.publishInterval) { publish(now: now) }
            if let interval = notifier.watchdogInterval, now - lastWatchdog >= interval {
                notifier.watchdog()
                lastWatchdog = now
            }
            // Caught up with every source: finished messages due by the wall clock go out now
            // (flow counts, mail-flow probes) rather than at the correlator's next periodic sweep.
            if !more, now - lastRelease >= Self.releaseInterval {
                try feed.pipeline.releaseFinishedMessages(asOf: Int64(Date().timeIntervalSince1970 * 1e6))
                lastRelease = now
            }
            if !more {
                let untilCheckpoint = checkpointEvery - (Self.now() - lastCheckpoint)
                let untilPublish = feed.pipeline.counters.lines != linesAtPublish
                    ? Self.promptPublishInterval - (Self.now() - lastPublish) : 0.25
                wait(seconds: max(0.001, min(0.25, untilCheckpoint, untilPublish)))
            }
        }
    }

    /// Writes one checkpoint. A failed write (disk full, I/O error) is logged and retried at the next
    /// interval with everything since the last good one; only a failure at shutdown is thrown.
    func checkpoint() throws {
        // The last checkpoint runs after the server stopped: what it accepted until then is stored too.
        drainProbeInbox()
        var c = Checkpoint(snapshot: feed.pipeline.snapshot(), time: Int64(Date().timeIntervalSince1970 * 1e6), version: version)
        snapshotBytes = c.snapshot.count
        checkpointEvery = max(settings.checkpointInterval, Double(c.snapshot.count) / settings.checkpointBytesPerSecond)
        for source in sources { source.save(into: &c) }
        probeFiles?.save(into: &c)
        c.flow = feed.takeMinutes()
        let totals = totals()
        for (name, value) in totals {
            let delta = value - (storedTotals[name] ?? 0)
            if delta != 0 { c.counterDeltas[name] = delta }
        }
        var episodes: [String: StoredEpisode] = [:]
        for e in feed.pipeline.detectors?.result.episodes ?? [] {
            let stored = StoredEpisode(e, open: e.closedBy == "still open")
            episodes[stored.key] = stored
            if storedEpisodes[stored.key] != stored { c.episodes.append(stored) }
        }
        c.probes = probes.takePending()
        let now = Self.now()
        if now - lastIncidents >= Self.incidentInterval || control.stopRequested, let data = probes.data {
            c.incidents = monthIncidents(data)
            lastIncidents = now
        }
        lastCheckpoint = now
        do {
            let result = try store.commit(c)
            storedTotals = totals
            storedEpisodes = episodes
            lastCommitted = Self.now()
            if checkpointFailing {
                logger.notice("checkpoints are written again")
                checkpointFailing = false
            }
            if result.duplicateProbes > 0 {
                logger.notice("probe results already stored were ignored", metadata: ["count": "\(result.duplicateProbes)"])
            }
        } catch {
            feed.giveBack(c.flow)
            probes.giveBack(c.probes)
            if control.stopRequested { throw error }
            if !checkpointFailing { logger.error("checkpoint failed; retrying", metadata: ["error": "\(error)"]) }
            checkpointFailing = true
        }
    }

    /// The named totals a checkpoint stores as deltas: the pipeline's and the probe files'.
    private func totals() -> [String: Int] {
        feed.totals().merging(probeFileTotals) { $1 }
    }

    /// Takes the probe results the server (POST /probes) and the prober put in the board's inbox.
    private func drainProbeInbox() {
        let inbox = board.takeProbeResults()
        if !inbox.isEmpty { probes.accept(inbox.map { StoredProbeResult(service: $0.service, test: $0.test, source: $0.source) }) }
    }

    /// Hands the board what /metrics and the status page show. The page is rendered every
    /// `pageInterval` (an SLA evaluation of the month), the metrics every `publishInterval`.
    private func publish(now: Double) {
        let config = plan.configuration
        if now - lastPage >= Self.pageInterval {
            var policy = config.sla
            policy.timeZone = config.timeZone
            page = StatusPage.render(pipeline: feed.pipeline, sources: statuses.map(\.name), probes: probes.data, policy: policy,
                                     timeZone: config.timeZone, timeZoneName: config.timeZoneName, elapsedSeconds: now - started)
            lastPage = now
        }
        var metrics = LiveMetrics(pipeline: feed.pipeline, sources: statuses, checkpointAge: lastCommitted.map { now - $0 },
                                  sla: page?.sla, services: LiveMetrics.serviceNames(config.sla), version: version)
        metrics.checkpointSnapshotBytes = snapshotBytes
        metrics.checkpointIntervalSeconds = snapshotBytes == nil ? nil : checkpointEvery  // set by a checkpoint
        board.publish(metrics, html: lastPage == now ? page?.html : nil)
        lastPublish = now
        linesAtPublish = feed.pipeline.counters.lines
    }

    /// The incidents of the month so far, with the same `Agreement` as the reports.
    private func monthIncidents(_ data: ProbeData) -> (period: TimeSpan, list: [StoredIncident]) {
        let config = plan.configuration
        let nowMicros = Int64(Date().timeIntervalSince1970 * 1e6)
        let month = SLAPeriod.months(coveringMicros: nowMicros, nowMicros, in: config.timeZone)
        var result = feed.pipeline.result(sources: [], errors: [], elapsedSeconds: 0)
        var policy = config.sla
        policy.timeZone = config.timeZone
        Agreement(policy: policy, period: month, timeZone: config.timeZone).evaluate(data, into: &result)
        return (month.span, result.sla.map(StoredIncident.all) ?? [])
    }

    /// Applies a reloaded plan at a batch boundary: the pipeline is rebuilt with the new rules and
    /// settings and loaded from a snapshot of the old one; sources are rebuilt from their
    /// positions when they changed. On failure the old plan stays.
    private func apply(_ next: TailPlan) throws {
        let previous = plan
        do {
            let drops = try feed.reload(next)
            if next.sourcesDiffer(from: plan) {
                var positions = Checkpoint(snapshot: [], time: 0, version: version)
                for source in sources { source.save(into: &positions) }
                plan = next
                sources = try makeSources(files: positions.files, cursors: positions.journalCursors, firstStart: false)
            } else {
                plan = next
            }
            if next.configuration.probes != previous.configuration.probes {
                var positions = Checkpoint(snapshot: [], time: 0, version: version)
                probeFiles?.save(into: &positions)
                probeFiles = makeProbeFiles(positions.probeFiles)
            }
            logger.notice("reloaded configuration and rules", metadata: [
                "rules": "\(next.rules.rules.count)", "dropped_rules": "\(drops.rules.joined(separator: ","))",
            ])
        } catch {
            logger.error("reload failed; keeping the running configuration", metadata: ["error": "\(error)"])
        }
    }

    /// Sources from the configuration, resuming from stored positions. After the first start, files
    /// nobody had a position for appeared while mailsla was down (or were added): they are read whole.
    func makeSources(files: [StoredFilePosition], cursors: [String: String], firstStart: Bool) throws -> [LiveSource] {
        let config = plan.configuration
        var made: [LiveSource] = []
        if !config.files.isEmpty {
            made.append(FileSource(patterns: config.files, resume: files, start: firstStart ? settings.start : .beginning,
                                   maxLineLength: settings.maxLineLength, symbols: feed.symbols, timeZone: config.timeZone,
                                   logger: logger))
        }
        if let journal = settings.journal {
            made.append(try JournalSource(journal, matches: config.journalMatches, cursor: cursors[JournalSource.name],
                                          start: firstStart ? settings.start : .end, maxMessageBytes: settings.maxLineLength,
                                          symbols: feed.symbols))
        }
        if made.isEmpty { logger.warning("nothing to follow: set sources.files or tail.journal") }
        // Kept across a reload of the same sources, so the counters of /metrics only grow.
        let names = (config.files.isEmpty ? [] : [config.files.joined(separator: " ")]) + (settings.journal == nil ? [] : [JournalSource.name])
        statuses = names.map { name in statuses.first { $0.name == name } ?? SourceStatus(name: name) }
        return made
    }

    /// The follower of `sources.probes`, resuming from stored positions; nil without probe files.
    func makeProbeFiles(_ positions: [StoredFilePosition]) -> ProbeFileSource? {
        let paths = plan.configuration.probes
        guard !paths.isEmpty else { return nil }
        return ProbeFileSource(paths: paths, resume: positions, maxLineLength: settings.maxLineLength, logger: logger)
    }

    /// Sleeps until a source's descriptor is readable or `seconds` passed.
    private func wait(seconds: Double) {
        var fds = (sources.map(\.pollDescriptor) + [probeFiles?.pollDescriptor]).compactMap { $0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let timeout = Int32((seconds * 1000).rounded(.up))
        if fds.isEmpty {
            usleep(UInt32(timeout) * 1000)
            return
        }
        if poll(&fds, nfds_t(fds.count), timeout) > 0 {
            for source in sources { source.acknowledgeWakeup() }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
