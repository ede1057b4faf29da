import Foundation
import Testing
@testable import MailslaInput
import MailslaCore
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory of log files, written the way daemons write them: through an
/// open descriptor in append mode, which keeps pointing at the file across a rename.
final class LogDirectory {
    let path: String
    private var writers: [String: Int32] = [:]

    init() {
        path = makeTemporaryDirectory().path
    }

    deinit {
        writers.values.forEach { close($0) }
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Appends through the writer of `name`, opening one (creating the file) when it has none.
    func append(_ name: String, _ text: String) {
        let fd = writers[name] ?? {
            let fd = open(file(name), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            precondition(fd >= 0, "open \(name): \(String(cString: strerror(errno)))")
            writers[name] = fd
            return fd
        }()
        let bytes = Array(text.utf8)
        precondition(write(fd, bytes, bytes.count) == bytes.count)
    }

    /// The daemon reopens its log (after rotation): the next append goes to a new file by that name.
    func reopen(_ name: String) {
        if let fd = writers.removeValue(forKey: name) { close(fd) }
    }

    func rename(_ from: String, _ to: String) {
        precondition(Glibc.rename(file(from), file(to)) == 0)
    }

    /// `logrotate`'s rename rotation with `create`: the old file moves, an empty one takes its name.
    func rotate(_ name: String, to rotated: String) {
        rename(name, rotated)
        close(open(file(name), O_WRONLY | O_CREAT | O_CLOEXEC, 0o644))
    }

    func truncate(_ name: String) {
        precondition(Glibc.truncate(file(name), 0) == 0)
    }

    func remove(_ name: String) {
        precondition(unlink(file(name)) == 0)
    }

    func contents(_ name: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: file(name)) ?? Data())
    }

    /// Compresses `name` into `name.gz` with the system gzip and removes `name`, as logrotate does.
    func compress(_ name: String) throws {
        let data = try gzip(Data(contents(name)))
        precondition(FileManager.default.createFile(atPath: file(name + ".gz"), contents: data))
        remove(name)
    }
}

/// Everything a follower handed out, per followed name, with the chunks' end positions.
struct Harvest {
    var bytes: [String: [UInt8]] = [:]
    var ends: [FollowPosition] = []

    func text(_ path: String) -> String { String(decoding: bytes[path] ?? [], as: UTF8.self) }
    var allText: String { String(decoding: bytes.keys.sorted().flatMap { bytes[$0]! }, as: UTF8.self) }
}

extension FileFollower {
    /// Polls until a poll hands out nothing (at most `rounds` times), checking every chunk's shape.
    @discardableResult
    func drain(into harvest: inout Harvest, rounds: Int = 100) throws -> Int {
        var total = 0
        for _ in 0..<rounds {
            var got = 0
            try poll { chunk in
                #expect(chunk.bytes.last == 0x0A, "a chunk ends with a newline")
                #expect(chunk.end.path == chunk.path)
                harvest.bytes[chunk.path, default: []] += chunk.bytes
                harvest.ends.append(chunk.end)
                got += chunk.bytes.count
            }
            if got == 0 { return total }
            total += got
        }
        return total
    }

    func drained() throws -> Harvest {
        var harvest = Harvest()
        try drain(into: &harvest)
        return harvest
    }
}

/// Waits until `fd` is readable or `seconds` pass; true when readable. How tests wait for inotify.
func waitReadable(_ fd: Int32?, seconds: Double = 5) -> Bool {
    guard let fd else { return false }
    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return Glibc.poll(&pfd, 1, Int32(seconds * 1000)) == 1
}

/// Numbered lines `first..<first+count` of a recognisable shape.
func lines(_ range: Range<Int>, tag: String = "line") -> String {
    range.map { "Nov 26 10:00:00 mx1 postfix/smtpd[42]: \(tag) \($0)\n" }.joined()
}
