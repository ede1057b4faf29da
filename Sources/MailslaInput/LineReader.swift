import MailslaCore

/// The lines of one text input, a batch at a time: what `replay` and the benchmark loop over.
///
/// A plain regular file is framed in place in its mapping (`MappedFile`: no copy); gzip, pipes
/// and standard input are read into the framer's buffer. Both give the same batches: a window
/// holds the partial line the last batch left plus up to one block of new bytes, as a full
/// read would.
public struct LineReader {
    public let input: TextInput
    private var framer: LineFramer
    /// What the framer counted for a window that was then dropped (its file was cut under it).
    private var dropped = FramingCounters()
    /// What ended the input early: a read error, a corrupt gzip member, a file cut while it was
    /// read. The lines before it were handed out; the unfinished line at the error was dropped.
    public private(set) var failure: InputError?
    /// For a mapped file: where the next window starts, and how many of its bytes the last
    /// batch left unconsumed (a partial line).
    private var offset = 0
    private var pending = 0
    private var finished = false

    /// The lines, bytes and odd lines handed out so far.
    public var counters: FramingCounters { framer.counters - dropped }

    public init(_ input: TextInput, framer: LineFramer) {
        self.input = input
        self.framer = framer
    }

    /// The next batch of complete lines (perhaps none), or nil once the input is done.
    public mutating func next() -> LineBatch? {
        guard !finished else { return nil }
        if let file = input.mapped { return nextInPlace(file) }
        let n: Int
        do {
            n = try framer.fill { try input.stream.read(into: $0) }
        } catch let error as InputError {
            failure = error
            n = 0
        } catch {
            failure = InputError(.unreadable, path: input.name, reason: "\(error)")
            n = 0
        }
        if n == 0 { finished = true }
        // After a read error the unfinished last line is a fragment: drop it rather than parse half a line.
        return framer.takeLines(atEnd: n == 0 && failure == nil)
    }

    private mutating func nextInPlace(_ file: MappedFile) -> LineBatch? {
        let window: BatchBytes
        do {
            window = try file.window(at: offset, count: pending + framer.blockSize)
        } catch let error as InputError {
            return stop(error)
        } catch {
            return stop(InputError(.unreadable, path: input.name, reason: "\(error)", offset: offset))
        }
        if window.count < pending { return stop(cut(file)) }
        let before = framer.counters
        let newBytes = window.count - pending
        let (lines, consumed) = framer.takeLines(inPlace: window, newBytes: newBytes, atEnd: newBytes == 0)
        // A file cut under the window (copytruncate) reads as zeros there (`SigbusGuard`): none of
        // its lines can be trusted. One fstat per window (a MiB) tells.
        if file.currentSize() < offset + window.count {
            dropped = framer.counters - before
            return stop(cut(file))
        }
        offset += consumed
        pending = window.count - consumed
        if newBytes == 0 { finished = true }
        return lines
    }

    private func cut(_ file: MappedFile) -> InputError {
        InputError(.cutWhileRead, path: input.name,
                   reason: "the file was cut to \(file.currentSize()) bytes while it was being read (rotated with copytruncate?); replay it once it stops changing",
                   offset: offset)
    }

    private mutating func stop(_ error: InputError) -> LineBatch {
        failure = error
        finished = true
        return LineBatch()
    }
}
