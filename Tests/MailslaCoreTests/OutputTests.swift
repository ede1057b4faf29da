import Testing
@testable import MailslaCore

@Suite struct OutputTests {
    @Test func jsonWriterEscapesAndReplacesInvalidUTF8() {
        var w = JSONLineWriter()
        w.beginObject()
        let bytes: [UInt8] = [UInt8(ascii: "a"), 0x22, 0x5C, 0x0A, 0x01, 0xC3, 0xA9, 0xFF, 0xE2, 0x82]
        bytes.withUnsafeBufferPointer { w.field("m", bytes: $0) }
        w.field("n", 5)
        w.endObject()
        w.endLine()
        #expect(String(decoding: w.buffer, as: UTF8.self) == "{\"m\":\"a\\\"\\\\\\n\\u0001é\u{FFFD}\u{FFFD}\u{FFFD}\",\"n\":5}\n")
        #expect(w.invalidUTF8Values == 1)
    }

    @Test func rfc3339Formatting() {
        #expect(TimeFormat.rfc3339(micros: 0) == "1970-01-01T00:00:00Z")
        #expect(TimeFormat.rfc3339(micros: 1_700_000_000_123_456) == "2023-11-14T22:13:20.123456Z")
        #expect(TimeFormat.rfc3339(micros: -1) == "1969-12-31T23:59:59.999999Z")
    }

    @Test func civilRoundTrip() {
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            let (y, m, d) = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }

    @Test func symbolTableIsBounded() {
        let table = SymbolTable(limit: 10)
        var symbols: [Symbol] = []
        for i in 0..<100 { symbols.append(table.intern("name\(i)")) }
        #expect(table.count == 10)
        #expect(symbols.filter { $0 == .overflow }.count == 92)
        #expect(table.intern("name3") == symbols[3])
        #expect(table.name(symbols[3]) == "name3")
        #expect(table.overflowed == 92)
    }
}
