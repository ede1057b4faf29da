import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts `body` on a thread of its own that the kernel knows by `name`, so `top -H`,
/// `ps -L` and `perf` tell mailsla's threads apart. Foundation's `Thread.name`, set before
/// `start()`, reached neither the kernel nor `Thread.current.name` here: every worker showed
/// its creator's name (`oot.default-qos`). The name is written to `/proc/thread-self/comm` (glibc's
/// `pthread_setname_np` is not visible to Swift), which keeps its first 15 bytes.
public func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    Thread {
        nameCurrentThread(name)
        body()
    }.start()
}

/// Gives the calling thread `name` in the kernel; a failure (no /proc) changes nothing else.
private func nameCurrentThread(_ name: String) {
    #if canImport(Glibc)
    let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { close(fd) }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    #endif
}
