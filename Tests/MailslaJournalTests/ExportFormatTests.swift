import Testing

/// The fixture writer itself: the binary form must be what journal-remote expects,
/// or the byte-exact tests would prove nothing.
@Suite struct ExportFormatTests {
    @Test func textAndBinaryForms() {
        var entry = ExportEntry([("__REALTIME_TIMESTAMP", "1"), ("MESSAGE", "a=b")])
        entry.add("NEWLINE", bytes: Array("x\ny".utf8))
        entry.add("RAW", bytes: [0xFF])
        let expected: [UInt8] = Array("__REALTIME_TIMESTAMP=1\nMESSAGE=a=b\nNEWLINE\n".utf8)
            + [3, 0, 0, 0, 0, 0, 0, 0] + Array("x\ny\nRAW\n".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0x0A]
            + [0x0A]
        #expect(ExportFormat.encode([entry]) == expected)
        #expect(ExportFormat.encode([entry, entry]) == expected + expected)
    }
}
