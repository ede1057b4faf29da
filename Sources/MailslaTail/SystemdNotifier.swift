import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing (`Type=notify`): READY=1 once the
/// engine has restored its state and reads, WATCHDOG=1 from the engine loop so
/// a stuck engine — not just a live process — gets restarted, STOPPING=1 on
/// the way out. Does nothing when not run by systemd (`NOTIFY_SOCKET` unset).
///
/// Sends its own non-blocking datagrams rather than calling libsystemd's
/// `sd_notify`, which blocks when the socket's queue is full (about ten
/// datagrams here): a reader that falls behind must cost a WATCHDOG=1, never
/// stall the engine that reads the logs.
public struct SystemdNotifier: Sendable {
    /// Half the watchdog period: how often WATCHDOG=1 is due. nil without a watchdog.
    public let watchdogInterval: Double?
    public let enabled: Bool
    /// `NOTIFY_SOCKET`: a path, or an abstract name written with a leading `@`.
    let socketPath: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        enabled = socketPath != nil
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

    /// One datagram, `MSG_DONTWAIT`: dropped (not waited for) when the queue is full or nobody listens.
    private func send(_ message: String) {
        guard let socketPath else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }   // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), sa, length) }
            }
        }
    }
}
