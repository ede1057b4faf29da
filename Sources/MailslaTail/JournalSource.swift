import Mailsla
import MailslaCore
import MailslaJournal
import MailslaStore

/// The systemd journal (`tail.journal`) through `JournalFollower`: entries in
/// batches, the cursor of the last one handed out stored with each checkpoint.
final class JournalSource: LiveSource {
    /// The key of its cursor in the state database.
    static let name = "journal"
    /// Entries per batch: a batch, not a line, is what moves between stages.
    static let batchEntries = 4096
    let follower: JournalFollower
    private var batch = RecordBatch()

    init(_ journal: TailSettings.Journal, matches: [String], cursor: String?, start: TailSettings.Start,
         maxMessageBytes: Int, symbols: SymbolTable) throws {
        let location: JournalReader.Location = switch journal {
        case .local: .local
        case .directory(let path): .directory(path)
        case .namespace(let name): .namespace(name)
        }
        let from: JournalFollower.Start
        if let cursor {
            from = .cursor(cursor)
        } else {
            from = switch start {
            case .end: .end
            case .beginning: .beginning
            case .since(let micros): .since(micros)
            }
        }
        follower = try JournalFollower(location, matches: matches, start: from, symbols: symbols, maxMessageBytes: maxMessageBytes)
    }

    var pollDescriptor: Int32? { follower.pollDescriptor }

    func acknowledgeWakeup() { follower.processWakeup() }

    func read(into feed: PipelineFeed) throws -> Bool {
        batch.bytes.removeAll(keepingCapacity: true)
        batch.records.removeAll(keepingCapacity: true)
        let n = try follower.read(into: &batch, max: Self.batchEntries)
        guard n > 0 else { return false }
        feed.addJournalEntries(n)
        try feed.process(batch)
        return n == Self.batchEntries
    }

    func save(into checkpoint: inout Checkpoint) {
        if let cursor = follower.cursor { checkpoint.journalCursors[Self.name] = cursor }
    }
}
