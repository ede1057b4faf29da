/// A syslog program name taken apart the way Postfix builds it.
///
/// Postfix logs as `syslog_name/daemon`, and `syslog_name` carries the
/// instance and often the master.cf service: `postfix/smtpd`,
/// `postfix/submission/smtpd`, `postfix/10025/smtpd`, `postfix-out/qmgr`.
/// Rules and counters need the daemon (`smtpd`) apart from the rest.
public struct ProgramName: Sendable, Equatable, Hashable {
    /// The name as logged.
    public let full: String
    /// The process that wrote the line: the last path component (`smtpd`), or the whole name.
    public let daemon: String
    /// The first component when there are several (`postfix`, `postfix-out`).
    public let instance: String?
    /// The components between instance and daemon (`submission`, `10025`), if any.
    public let service: String?

    public init(_ full: String) {
        self.full = full
        let parts = full.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count >= 2, !parts.contains(where: \.isEmpty) {
            instance = String(parts[0])
            daemon = String(parts[parts.count - 1])
            service = parts.count > 2 ? parts[1..<parts.count - 1].joined(separator: "/") : nil
        } else {
            instance = nil
            daemon = full
            service = nil
        }
    }
}
