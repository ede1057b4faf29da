import Synchronization

/// How the rest of the process talks to the engine thread: requests in
/// (stop, a new plan), state out (ready, stopped, failed). Sendable values
/// behind one lock, looked at once per loop turn — never per line.
public final class EngineControl: Sendable {
    public enum Phase: Sendable, Equatable {
        case starting
        /// Restored and reading: time to tell systemd READY=1.
        case running
        /// Drained, last checkpoint written.
        case stopped
        case failed(String)
    }

    private struct State {
        var stopRequested = false
        var pendingPlan: TailPlan?
        var phase = Phase.starting
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks the engine to finish its batch, write a last checkpoint and stop.
    public func requestStop() { state.withLock { $0.stopRequested = true } }

    /// Hands the engine a new plan, applied at the next batch boundary.
    public func requestReload(_ plan: TailPlan) { state.withLock { $0.pendingPlan = plan } }

    public var phase: Phase { state.withLock { $0.phase } }

    // MARK: engine side

    var stopRequested: Bool { EarlySignals.terminationRequested || state.withLock { $0.stopRequested } }
    func takePendingPlan() -> TailPlan? {
        state.withLock { s in
            defer { s.pendingPlan = nil }
            return s.pendingPlan
        }
    }
    func set(_ phase: Phase) { state.withLock { $0.phase = phase } }
}
