import MailslaCore
/// A source of bytes read a block at a time: a plain file, standard input, or
/// a gzip stream over either. Two implementations, hence a protocol.
public protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 means the end. Throws `InputError`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes of content delivered so far (after decompression).
    var contentOffset: Int { get }
}
