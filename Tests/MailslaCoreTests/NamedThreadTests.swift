import Foundation
import MailslaCore
import Synchronization
import Testing

@Suite("Named threads")
struct NamedThreadTests {
    /// What the kernel calls a thread started by `startThread(named:)`, read from inside it.
    private static func kernelName(startedAs name: String) -> String {
        let seen = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        startThread(named: name) {
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            seen.withLock { $0 = comm?.trimmingCharacters(in: .newlines) }
            done.signal()
        }
        done.wait()
        return seen.withLock { $0 } ?? "(unreadable)"
    }

    @Test("the kernel knows a worker by the name it was started with")
    func theKernelHasTheName() {
        #expect(Self.kernelName(startedAs: "mailsla-flow") == "mailsla-flow")
    }

    @Test("a name longer than the kernel keeps is cut at 15 bytes")
    func longNamesAreCut() {
        #expect(Self.kernelName(startedAs: "mailsla-classify-12") == "mailsla-classif")
    }
}
