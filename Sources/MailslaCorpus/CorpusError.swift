/// Why a corpus could not be written: which file, and what went wrong.
public enum CorpusError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The output file could not be created or written.
    case write(path: String, reason: String)
    /// The system `gzip` could not be run or failed on a rotated file.
    case gzip(path: String, reason: String)
    /// The options asked for something the generator cannot do.
    case invalidOptions(String)

    public var description: String {
        switch self {
        case .write(let path, let reason): "\(path): cannot write: \(reason)"
        case .gzip(let path, let reason): "\(path): gzip failed: \(reason) (is the gzip binary installed?)"
        case .invalidOptions(let text): text
        }
    }
}
