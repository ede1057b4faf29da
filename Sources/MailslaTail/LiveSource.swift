import Mailsla
import MailslaStore

/// A live input the engine reads between waits: followed files or the journal.
///
/// The engine owns every source on its one thread. A source reads only what
/// is available now (never blocks), hands whole batches to the pipeline, and
/// says where it stands so a checkpoint can store it *after* the batches
/// were processed.
protocol LiveSource: AnyObject {
    /// Reads what is available now into the pipeline. Returns true when it
    /// stopped with more to read (the engine reads again before waiting).
    func read(into feed: PipelineFeed) throws -> Bool
    /// A descriptor that becomes readable when there is something new (inotify, the journal's fd); nil: poll by timer.
    var pollDescriptor: Int32? { get }
    /// Called after `poll(2)` reported the descriptor readable.
    func acknowledgeWakeup()
    /// Puts the source's position into `checkpoint`.
    func save(into checkpoint: inout Checkpoint)
}
