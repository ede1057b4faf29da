import Foundation
import MailslaCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SigbusGuardTests {
    /// What vacuuming does to a journal file a reader has mapped: truncate it to 0. Without the
    /// guard, touching the mapping kills the process with SIGBUS; with it, the page reads as zeros.
    @Test func aTruncatedMappingReadsAsZerosInsteadOfKillingTheProcess() throws {
        SigbusGuard.install()
        let path = NSTemporaryDirectory() + "mailsla-sigbus-\(UUID().uuidString)"
        defer { unlink(path) }
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        #expect(ftruncate(fd, off_t(page)) == 0)
        #expect(pwrite(fd, [UInt8](repeating: 0x41, count: 16), 16, 0) == 16)
        let map = try #require(mmap(nil, page, PROT_READ, MAP_SHARED, fd, 0))
        #expect(map != MAP_FAILED)
        defer { munmap(map, page) }
        #expect(map.load(fromByteOffset: 8, as: UInt8.self) == 0x41)
        let before = SigbusGuard.faults
        #expect(ftruncate(fd, 0) == 0)
        #expect(map.load(fromByteOffset: 8, as: UInt8.self) == 0)
        #expect(SigbusGuard.faults == before + 1)
    }
}
