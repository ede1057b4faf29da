#if canImport(Glibc)
import Glibc

/// Keeps a reader alive when a file it has mapped is cut under it: a journal file, or a log
/// file `replay` frames in place (`MappedFile`).
///
/// libsystemd reads journal files through mmap. `journalctl --vacuum-*` and journald's own
/// vacuuming truncate a file to 0 before unlinking it (systemd's unlinkat_deallocate), so
/// a follower that touches an archived file before `sd_journal_process` has dropped it gets
/// SIGBUS, which kills the process. journald and journalctl install the same remedy
/// (systemd's sigbus.c): map a zero page over the faulting address and carry on; libsystemd
/// then sees an empty object, reports an error for that file, and drops it on the next
/// `sd_journal_process`. A log file read in place sees zeros where its cut bytes were; its
/// reader counts the faults around each window it frames and reports the file as cut. The handler
/// is process-wide; mailsla maps no other files.
public enum SigbusGuard {
    nonisolated(unsafe) private static var installed = false
    /// Faults answered with a zero page since the start (read without synchronisation: exact
    /// only for faults of the reading thread itself).
    nonisolated(unsafe) public private(set) static var faults = 0

    /// Installs the handler once. Call before reading mapped files.
    public static func install() {
        // Called from the owning thread before any journal is read; concurrent first calls only
        // install the same handler twice.
        guard !installed else { return }
        installed = true
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { _, info, _ in
            guard let info else { return SigbusGuard.die() }
            let address = UInt(bitPattern: info.pointee._sifields._sigfault.si_addr)
            let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
            let start = UnsafeMutableRawPointer(bitPattern: address & ~(page - 1))
            let mapped = mmap(start, Int(page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            if mapped == MAP_FAILED || start == nil { return SigbusGuard.die() }
            SigbusGuard.faults += 1
        }
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }

    /// A SIGBUS the guard cannot answer: die of it as if no handler were there.
    private static func die() {
        signal(SIGBUS, SIG_DFL)
        raise(SIGBUS)
    }
}
#endif
