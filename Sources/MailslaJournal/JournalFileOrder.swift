import CSystemd
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides whether a journal directory's files can be read one after the other instead of
/// merged entry by entry, and in which order.
///
/// libsystemd merges files by `journal_file_compare_locations`: entries of two files with the
/// same sequence-number ID are ordered by sequence number before anything else (boot id,
/// monotonic or realtime clock only break ties between different IDs). A writer numbers a
/// file's entries strictly upwards (`journal_file_entry_seqnum` takes the larger of its own
/// tail and the shared counter, plus one). So when every file of a directory carries one
/// sequence-number ID and their ranges do not overlap, the merged order is simply the files
/// one after the other, lowest range first: the shape of a rotated archive (journald's own
/// `system@…journal` files, systemd-journal-remote's `corpus@…journal`). Any other shape
/// (several writers, overlapping ranges, a file libsystemd rejects) answers nil, and the
/// caller keeps libsystemd's own merge.
///
/// Each file's ID and first and last sequence numbers come from libsystemd, not from the
/// header struct: the file's first and last entry are read through `sd_journal_open_files`
/// and their cursors (`s=<seqnum id>;i=<seqnum hex>;…`) give the ID and the numbers. That is
/// what libsystemd itself will read (the header's head/tail fields can disagree with the
/// entries of a file that was not closed cleanly), needs no layout of `journal-def.h`, and
/// systemd 252 here exports no `sd_journal_get_seqnum` (added in 254). It costs one small
/// open per file, as `JournalReader.unopenableFiles` already does.
enum JournalFileOrder {
    /// A file's sequence-number source and the numbers of its first and last entry.
    struct Span: Equatable {
        var seqnumID: String
        var first: UInt64
        var last: UInt64
    }

    /// The files of `directory` in libsystemd's merged order when they can be read one after
    /// the other (two files or more with entries); nil otherwise. Files without entries are
    /// left out: they add nothing to the merge.
    static func sequential(directory: String) -> [String]? {
        let paths = JournalReader.journalFiles(in: directory)
        guard paths.count >= 2 else { return nil }
        var spans: [(path: String, span: Span)] = []
        for path in paths {
            guard let span = span(of: path) else { return nil }
            if let span { spans.append((path, span)) }
        }
        guard spans.count >= 2, Set(spans.map(\.span.seqnumID)).count == 1 else { return nil }
        spans.sort { $0.span.first < $1.span.first }
        for (earlier, later) in zip(spans, spans.dropFirst()) where earlier.span.last >= later.span.first {
            return nil
        }
        return spans.map(\.path)
    }

    /// The span of the file at `path`: `.some(nil)` when it has no entries, nil when it cannot
    /// be read or its cursors have no sequence number.
    static func span(of path: String) -> Span?? {
        let cPath = strdup(path)
        defer { free(cPath) }
        var array: [UnsafePointer<CChar>?] = [UnsafePointer(cPath), nil]
        var opened: OpaquePointer?
        guard sd_journal_open_files(&opened, &array, 0) >= 0, let j = opened else { return nil }
        defer { sd_journal_close(j) }
        guard sd_journal_seek_head(j) >= 0 else { return nil }
        let r = sd_journal_next(j)
        if r == 0 { return .some(nil) }
        guard r > 0, let head = cursor(j), sd_journal_seek_tail(j) >= 0, sd_journal_previous(j) > 0,
              let tail = cursor(j), head.id == tail.id else { return nil }
        return Span(seqnumID: head.id, first: head.seqnum, last: tail.seqnum)
    }

    /// The sequence-number ID and number of the current entry, from its cursor.
    private static func cursor(_ j: OpaquePointer) -> (id: String, seqnum: UInt64)? {
        var raw: UnsafeMutablePointer<CChar>?
        guard sd_journal_get_cursor(j, &raw) >= 0, let raw else { return nil }
        defer { free(raw) }
        return parse(cursor: String(cString: raw))
    }

    /// `s=` and `i=` of a cursor (`s=…;i=…;b=…;m=…;t=…;x=…`); nil when either is missing or bad.
    static func parse(cursor: String) -> (id: String, seqnum: UInt64)? {
        var id: Substring?
        var seqnum: UInt64?
        for part in cursor.split(separator: ";") {
            if part.hasPrefix("s=") { id = part.dropFirst(2) }
            if part.hasPrefix("i=") { seqnum = UInt64(part.dropFirst(2), radix: 16) }
        }
        guard let id, !id.isEmpty, let seqnum else { return nil }
        return (String(id), seqnum)
    }
}
