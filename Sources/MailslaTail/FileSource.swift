import Foundation
import Logging
import Mailsla
import MailslaCore
import MailslaInput
import MailslaStore

/// Followed log files (`sources.files`) through `FileFollower`: complete lines
/// per file, framed and parsed here, positions handed to the checkpoint.
///
/// The follower hands out only whole lines, so one framer and one parser
/// serve every file. RFC 3164 lines carry no year: live lines are current, so
/// the parser's year is anchored at the present month on every read.
final class FileSource: LiveSource {
    let follower: FileFollower
    private var framer: LineFramer
    private var parser: SyslogParser
    private var batch = RecordBatch()
    private let timeZone: TimeZone
    /// What the framer had counted when last added to the pipeline.
    private var reportedFraming = FramingCounters()
    private let logger: Logger
    private var reportedLost = false
    private var reportedErrors: [String: String] = [:]

    init(patterns: [String], resume: [StoredFilePosition], start: TailSettings.Start, maxLineLength: Int,
         symbols: SymbolTable, timeZone: TimeZone, logger: Logger) {
        self.logger = logger
        // A first start from a time reads the files whole: their lines have no index by time.
        let newFiles: FollowStart = start == .end ? .end : .beginning
        follower = FileFollower(patterns: patterns, resume: resume.map(\.followPosition), newFilesStart: newFiles, maxLineLength: maxLineLength)
        framer = LineFramer(maxLineLength: maxLineLength)
        self.timeZone = timeZone
        parser = SyslogParser(symbols: symbols, options: ParseOptions(timeZone: timeZone), years: YearTracker(Self.anchorNow(timeZone)))
    }

    static func anchorNow(_ zone: TimeZone) -> YearTracker.Anchor {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: Date())
        return .endsNear(year: parts.year!, month: parts.month!)
    }

    var pollDescriptor: Int32? { follower.pollDescriptor }

    func acknowledgeWakeup() {}

    func read(into feed: PipelineFeed) throws -> Bool {
        parser.years.reanchor(Self.anchorNow(timeZone))
        var malformed = MalformedCounts()
        let more = try follower.poll(maxBytes: 4 << 20) { chunk in
            for lines in framer.append(chunk.bytes) { try process(lines, feed, &malformed) }
            let rest = framer.takeLines(atEnd: true)
            if !rest.lines.isEmpty { try process(rest, feed, &malformed) }
        }
        let framing = framer.counters
        feed.addFraming(framing.since(reportedFraming), malformed: malformed)
        reportedFraming = framing
        report()
        return more
    }

    /// Says once what the follower could not find or open (it retries the latter by itself).
    private func report() {
        if !reportedLost, !follower.lost.isEmpty {
            reportedLost = true
            for position in follower.lost {
                logger.error("a stored file position was found under no name: lines after it are lost",
                             metadata: ["position": "\(position)"])
            }
        }
        for (path, error) in follower.errors where reportedErrors[path] != "\(error)" {
            reportedErrors[path] = "\(error)"
            logger.warning("cannot read a followed file; retrying", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    private func process(_ lines: LineBatch, _ feed: PipelineFeed, _ malformed: inout MalformedCounts) throws {
        parser.parse(lines, into: &batch, malformed: &malformed)
        try feed.process(batch)
    }

    func save(into checkpoint: inout Checkpoint) {
        checkpoint.files = follower.positions.map(StoredFilePosition.init)
    }
}

extension FramingCounters {
    /// What was counted after `earlier` (a snapshot of the same counters).
    func since(_ earlier: FramingCounters) -> FramingCounters {
        var d = FramingCounters()
        d.lines = lines - earlier.lines
        d.truncatedLines = truncatedLines - earlier.truncatedLines
        d.crlfLines = crlfLines - earlier.crlfLines
        d.nulLines = nulLines - earlier.nulLines
        d.bytes = bytes - earlier.bytes
        return d
    }
}
