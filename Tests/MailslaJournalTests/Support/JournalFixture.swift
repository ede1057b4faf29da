import Foundation
import Synchronization

/// One journal entry as the export format writes it: fields in order, values as raw bytes.
struct ExportEntry {
    var fields: [(name: String, value: [UInt8])] = []

    init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { ($0.0, Array($0.1.utf8)) }
    }

    /// The usual syslog-like entry; pass nil to leave a field out.
    static func syslog(time: UInt64?, host: String? = "mx1", identifier: String? = "postfix/smtpd",
                       pid: String? = "4242", message: String? = "hello") -> ExportEntry {
        var entry = ExportEntry()
        if let time { entry.add("__REALTIME_TIMESTAMP", "\(time)") }
        if let host { entry.add("_HOSTNAME", host) }
        if let identifier { entry.add("SYSLOG_IDENTIFIER", identifier) }
        if let pid { entry.add("_PID", pid) }
        entry.add("PRIORITY", "6")
        if let message { entry.add("MESSAGE", message) }
        return entry
    }

    mutating func add(_ name: String, _ value: String) { fields.append((name, Array(value.utf8))) }
    mutating func add(_ name: String, bytes: [UInt8]) { fields.append((name, bytes)) }
    mutating func remove(_ name: String) { fields.removeAll { $0.name == name } }
}

/// Writes the journal export format (https://systemd.io/JOURNAL_EXPORT_FORMATS/).
///
/// A value that holds a newline or is not UTF-8 goes in the binary form
/// (name, newline, 64-bit little-endian length, raw bytes, newline), so tests
/// exercise both forms; every other value is a plain `NAME=value` line.
enum ExportFormat {
    static func encode(_ entries: [ExportEntry]) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            for (name, value) in entry.fields {
                out += Array(name.utf8)
                if value.contains(UInt8(ascii: "\n")) || String(validating: value, as: UTF8.self) == nil {
                    out.append(UInt8(ascii: "\n"))
                    withUnsafeBytes(of: UInt64(value.count).littleEndian) { out += $0 }
                } else {
                    out.append(UInt8(ascii: "="))
                }
                out += value
                out.append(UInt8(ascii: "\n"))
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// A fresh temporary directory that turns export-format entries into real
/// journal files with `systemd-journal-remote`. Call `remove()` when done.
///
/// Never skips: without journal-remote every journal test fails and says what
/// to install, so a CI image that lacks it cannot pass silently.
struct JournalFixture {
    static let candidates = ["/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"]

    let directory: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "mailsla-journal-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FixtureError(description: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Removes the directory when the test process exits: for fixtures a whole suite shares
    /// (a `static let`), which no test can remove when done.
    func removeAtExit() {
        FixturesAtExit.directories.withLock { directories in
            if directories.isEmpty {
                atexit {
                    for directory in FixturesAtExit.directories.withLock({ $0 }) {
                        try? FileManager.default.removeItem(atPath: directory)
                    }
                }
            }
            directories.append(directory)
        }
    }

    /// Writes `entries` to `DIR/name` (which must end in `.journal`) and returns its path.
    /// The export text is kept next to it (`name.export`) for a look after a failure.
    @discardableResult
    func write(_ entries: [ExportEntry], name: String = "test.journal") throws -> String {
        guard let tool = Self.candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FixtureError(description: """
                systemd-journal-remote not found (looked in \(Self.candidates.joined(separator: ", "))). \
                The journal tests build real journal files with it: apt-get install -y systemd-journal-remote
                """)
        }
        let output = path(name)
        let exportPath = output + ".export"
        let logPath = output + ".log"
        guard FileManager.default.createFile(atPath: exportPath, contents: Data(ExportFormat.encode(entries))),
              FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw FixtureError(description: "cannot write fixture files in \(directory)")
        }
        // Stdin and stderr are files, not pipes: nothing can fill up and block.
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: exportPath))
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer {
            try? input.close()
            try? log.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--output=\(output)", "-"]
        process.standardInput = input
        process.standardOutput = log
        process.standardError = log
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output) else {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw FixtureError(description: "systemd-journal-remote exited \(process.terminationStatus): \(text)")
        }
        return output
    }
}

/// The shared fixtures `removeAtExit` removes.
enum FixturesAtExit {
    static let directories = Mutex<[String]>([])
}
