#if canImport(Glibc)
import Glibc

/// Wakes the follower when something happens in the directories of the followed files.
///
/// One inotify descriptor watches each directory (not each file: a file's watch follows
/// the inode through a rename, while the directory sees the name change hands). Events are
/// only a hint to look again; the follower always checks the files themselves, so a lost
/// or merged event costs latency, never lines. Where inotify is missing the follower polls.
final class DirectoryWatcher {
    /// Readable when events are queued; nil when inotify could not be set up.
    let descriptor: Int32?
    private var watches: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    private static let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                                     | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
    /// Events that can change which file a name holds (anything but data written).
    private static let nameEvents = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                                           | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW)

    init() {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        descriptor = fd >= 0 ? fd : nil
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// Watches `directories`, adding the ones not watched yet; a directory that does not exist
    /// yet is tried again on the next call. Returns false while some could not be watched.
    func watch(_ directories: Set<String>) -> Bool {
        guard let descriptor else { return false }
        var complete = true
        for directory in directories where watches[directory] == nil {
            let wd = inotify_add_watch(descriptor, directory, Self.mask)
            if wd >= 0 { watches[directory] = wd } else { complete = false }
        }
        return complete
    }

    /// Empties the event queue without blocking. Returns true when any event may have changed
    /// which file a name holds (or the queue overflowed), i.e. names must be looked up again.
    func drain() -> Bool {
        guard let descriptor else { return true }
        var namesChanged = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            buffer.withUnsafeBytes { raw in
                var at = 0
                while at + MemoryLayout<inotify_event>.size <= n {
                    let event = raw.loadUnaligned(fromByteOffset: at, as: inotify_event.self)
                    if event.mask & Self.nameEvents != 0 { namesChanged = true }
                    if event.mask & UInt32(IN_IGNORED) != 0 {
                        // The directory went away: watch it again once it is back.
                        watches = watches.filter { $0.value != event.wd }
                    }
                    at += MemoryLayout<inotify_event>.size + Int(event.len)
                }
            }
        }
        return namesChanged
    }
}
#endif
