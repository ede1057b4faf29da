import Foundation
import MailslaCore
import MailslaJournal
#if canImport(Glibc)
import Glibc
#endif

extension JournalFollower {
    /// Waits on the descriptor and reads until `count` messages came or `seconds` passed
    /// (journald batches its change notifications every ~0.25 s).
    func collect(_ count: Int, symbols: SymbolTable, seconds: Double = 5) throws -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while messages.count < count && Date() < deadline {
            var batch = RecordBatch()
            let n = try read(into: &batch, max: 1000)
            for record in batch.records {
                messages.append(batch.withMessage(record) { String(decoding: $0, as: UTF8.self) })
            }
            if n == 0 {
                var pfd = pollfd(fd: pollDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&pfd, 1, 100)
                processWakeup()
            }
        }
        return messages
    }

    /// Reads what is there without waiting.
    func readNow() throws -> [String] {
        processWakeup()
        var messages: [String] = []
        while true {
            var batch = RecordBatch()
            let n = try read(into: &batch, max: 1000)
            if n == 0 { return messages }
            for record in batch.records {
                messages.append(batch.withMessage(record) { String(decoding: $0, as: UTF8.self) })
            }
        }
    }
}
