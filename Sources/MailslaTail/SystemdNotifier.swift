import CSystemd
import Foundation

/// Tells systemd how the service is doing (`Type=notify`): READY=1 once the
/// engine has restored its state and reads, WATCHDOG=1 from the engine loop so
/// a stuck engine — not just a live process — gets restarted, STOPPING=1 on
/// the way out. Does nothing when not run by systemd (`NOTIFY_SOCKET` unset).
public struct SystemdNotifier: Sendable {
    /// Half the watchdog period: how often WATCHDOG=1 is due. nil without a watchdog.
    public let watchdogInterval: Double?
    public let enabled: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        enabled = environment["NOTIFY_SOCKET"] != nil
        if enabled, let text = environment["WATCHDOG_USEC"], let usec = Double(text), usec > 0 {
            watchdogInterval = usec / 2e6
        } else {
            watchdogInterval = nil
        }
    }

    public func ready() { send("READY=1\nSTATUS=following sources") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping() { send("STOPPING=1") }
    public func status(_ text: String) { send("STATUS=" + text) }

    private func send(_ message: String) {
        guard enabled else { return }
        _ = sd_notify(0, message)
    }
}
