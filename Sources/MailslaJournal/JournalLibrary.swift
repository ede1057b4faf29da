import CJournalLibrary

/// The copy of libsystemd a `JournalReader` calls.
///
/// Every sd_journal call runs a locked compare-and-swap on one process-wide word (libsystemd's
/// getpid cache), so two threads reading journals through the same copy slow each other down on
/// every call. The journal lanes therefore read through private copies, one per lane, each loaded
/// with `dlmopen` into a link-map namespace of its own; everything else uses the linked copy.
public struct JournalLibrary: @unchecked Sendable {
    let calls: UnsafePointer<mailsla_journal_library>

    /// The libsystemd the process links against.
    public static let linked = JournalLibrary(calls: mailsla_journal_library_linked())

    /// Private copy `index` (0, 1, …), loaded on first use and kept; the reason it cannot be loaded
    /// (glibc has room for a few namespaces; sanitizer builds load none) otherwise.
    public static func privateCopy(_ index: Int) -> Result<JournalLibrary, JournalLibraryError> {
        var reason = [CChar](repeating: 0, count: 256)
        guard let calls = mailsla_journal_library_private(Int32(index), &reason, reason.count) else {
            let text = reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            return .failure(JournalLibraryError(reason: String(decoding: text, as: UTF8.self)))
        }
        return .success(JournalLibrary(calls: calls))
    }

    /// Whether this is the linked copy.
    public var isLinked: Bool { calls == mailsla_journal_library_linked() }
}

/// Why a private copy of libsystemd could not be loaded.
public struct JournalLibraryError: Error, Sendable, Equatable {
    public let reason: String
}
