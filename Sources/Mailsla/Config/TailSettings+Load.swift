import Foundation
import MailslaRules
import MailslaSLA
import Yams

extension TailSettings {
    static let keys: Set<String> = ["checkpoint_interval", "checkpoint_max_rate", "start", "journal", "max_line"]

    /// Reads `tail:`: `checkpoint_interval` (`2s`, or seconds as a number), `checkpoint_max_rate`
    /// (snapshot bytes per second: a number, or `256KiB`, `1MiB`), `start`
    /// (`end`, `beginning`, or an RFC 3339 time), `journal` (`local`, `{directory: D}`
    /// or `{namespace: N}`) and `max_line` (bytes). Keys left out keep their defaults.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        let m = try r.mapping(node, allowed: Self.keys, what: "tail")
        if let n = m["checkpoint_interval"] {
            if let seconds = n.float, n.int != nil || n.scalar?.string.contains(".") == true {
                checkpointInterval = seconds
            } else {
                let text = try r.string(n, "tail.checkpoint_interval")
                guard let seconds = RecurringMaintenance.durationSeconds(text) else {
                    throw r.fail(n, "tail.checkpoint_interval: '\(text)' is not a duration (e.g. 2s, 500ms is not supported: write 0.5)")
                }
                checkpointInterval = Double(seconds)
            }
            guard checkpointInterval >= 0.05, checkpointInterval <= 3600 else {
                throw r.fail(n, "tail.checkpoint_interval must be between 0.05 s and 1 h")
            }
        }
        if let n = m["checkpoint_max_rate"] {
            let text = try r.string(n, "tail.checkpoint_max_rate")
            guard let bytes = Self.byteCount(text), bytes >= 1024 else {
                throw r.fail(n, "tail.checkpoint_max_rate: '\(text)' is not a byte rate of at least 1KiB (e.g. 256KiB, 1MiB, 300000)")
            }
            checkpointBytesPerSecond = Double(bytes)
        }
        if let n = m["start"] {
            let text = try r.string(n, "tail.start")
            switch text {
            case "end": start = .end
            case "beginning": start = .beginning
            default:
                guard let micros = RFC3339.micros(text) else {
                    throw r.fail(n, "tail.start must be 'end', 'beginning' or an RFC 3339 time such as 2026-11-26T00:00:00Z")
                }
                start = .since(micros)
            }
        }
        if let n = m["journal"] {
            if n.scalar != nil {
                let text = try r.string(n, "tail.journal")
                guard text == "local" else { throw r.fail(n, "tail.journal must be 'local', {directory: D} or {namespace: N}") }
                journal = .local
            } else {
                let j = try r.mapping(n, allowed: ["directory", "namespace"], what: "tail.journal")
                if let d = j["directory"] { journal = .directory(try r.string(d, "tail.journal.directory")) }
                if let s = j["namespace"] { journal = .namespace(try r.string(s, "tail.journal.namespace")) }
                guard journal != nil, j.count == 1 else { throw r.fail(n, "tail.journal takes one of directory or namespace") }
            }
        }
        if let n = m["max_line"] {
            guard let value = n.int, value >= 64 else { throw r.fail(n, "tail.max_line must be a whole number ≥ 64") }
            maxLineLength = value
        }
    }

    /// `300000`, `256KiB`, `1MiB` (an optional `/s` after it) as a number of bytes.
    static func byteCount(_ text: String) -> Int? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if t.hasSuffix("/s") { t = t.dropLast(2) }
        for (suffix, factor) in [("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024)] where t.hasSuffix(suffix) {
            return Int(t.dropLast(suffix.count)).flatMap { $0.multipliedReportingOverflow(by: factor).overflow ? nil : $0 * factor }
        }
        return Int(t)
    }
}
