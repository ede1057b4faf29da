import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP that arrive while the process starts, before
/// the service group listens for them. Without this a SIGTERM in the first
/// moments kills the process by default (no last checkpoint, exit by signal)
/// and an early SIGHUP ends it. Install first thing; the engine stops as for
/// any graceful shutdown when one was seen. Once the service group takes the
/// signals over, this handler is replaced.
public enum EarlySignals {
    private static let terminate = Atomic<Bool>(false)

    public static func install() {
        signal(SIGTERM) { _ in EarlySignals.terminate.store(true, ordering: .relaxed) }
        signal(SIGINT) { _ in EarlySignals.terminate.store(true, ordering: .relaxed) }
        // A reload before the first start means nothing: the configuration is about to be read anyway.
        signal(SIGHUP, SIG_IGN)
    }

    /// A termination signal came before the service group was listening.
    static var terminationRequested: Bool { terminate.load(ordering: .relaxed) }
}
