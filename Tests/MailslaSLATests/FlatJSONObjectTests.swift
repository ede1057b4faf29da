import Foundation
import Testing
@testable import MailslaSLA

/// The fast reader of probe lines must give JSONSerialization's fields whenever it reads a line
/// at all, and must read the lines probe writers emit.
@Suite struct FlatJSONObjectTests {
    static let typical = [
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"latency_ms":67,"error":""}"#,
        #"{"ts": "2026-11-01T01:10:00.5+01:00", "service": "smtp-in", "ok": false, "latency_ms": null, "error": "timeout"}"#,
        #"  {"ts": "2026-11-01T00:15:00Z", "service": "webmail-eu", "ok": true}  "#,
        #"{"service":"imap","ts":"2026-11-01T00:15:00Z","ok":false,"latency_ms":1234.5,"error":"connect: refused","probe":"mx-probe-2","attempt":3}"#,
        #"{"ts":"2026-11-01T00:15:00Z","service":"pop3","ok":true,"latency_ms":-0.25,"extra":null,"flag":false}"#,
        "{\"ts\":\"2026-11-01T00:15:00Z\",\t\"service\":\"pop3\",\r\n\"ok\":true}",
        "{}",
        #"{"ts":"2026-11-01T00:00:10Z","service":"a","service":"b","ok":true}"#,
    ]

    /// Lines the fast reader must leave to Foundation: it would not read them exactly as JSONSerialization does.
    static let unusual = [
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp\u002din","ok":true}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"error":"a \"quoted\" b"}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"sm\#u{00E9}tp","ok":true}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"latency_ms":1e400}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"latency_ms":12345678901234567890}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"latency_ms":[1]}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"meta":{"a":1}}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true} x"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":tru}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,}"#,
        #"{"ts":"2026-11-01T00:00:10Z","service":"smtp-in","ok":true,"latency_ms":01}"#,
        #"["2026-11-01T00:05:00Z", "pop3", true]"#,
    ]

    static func bytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(Array(text.utf8)) }

    @Test func writersLinesAreReadFastAndAsFoundationReadsThem() throws {
        for line in Self.typical {
            let fast = try #require(FlatJSONObject.fields(Self.bytes(line)), "fast reader gave up on \(line)")
            #expect(fast == JSONProbeLine.foundationFields(Self.bytes(line)), "\(line)")
        }
        let fields = FlatJSONObject.fields(Self.bytes(Self.typical[3]))
        #expect(fields?.latency == .number(1234.5))
        #expect(fields?.error == .string("connect: refused"))
    }

    @Test func unusualLinesAreLeftToFoundation() {
        for line in Self.unusual {
            #expect(FlatJSONObject.fields(Self.bytes(line)) == nil, "\(line)")
        }
        // ... and keep their outcome: what Foundation makes of them.
        #expect(outcome(Self.unusual[0]) == "smtp-in")
        #expect(outcome(Self.typical[7]) == "b", "JSONSerialization keeps the last of two keys, and so does the fast reader")
        #expect(outcome(Self.unusual[7]) == "invalid_json")
        #expect(outcome(Self.unusual[5]) == "bad_latency")
    }

    /// 10,000 random edits of writers' lines (bytes dropped, doubled, replaced by JSON's
    /// punctuation, digits, escapes or letters): whenever the fast reader reads one, it reads
    /// what JSONSerialization reads.
    @Test func mutatedLinesAgreeWithFoundation() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array(#"{}[]:,"\ -+.eE0123456789tfnrulsax"#.utf8) + [0x09, 0x0A, 0x00, 0xC3, 0xA9, 0x7F]
        var read = 0, checked = 0
        for round in 0..<10_000 {
            var line = Array(Self.typical[round % Self.typical.count].utf8)
            for _ in 0..<(1 + next(3)) where !line.isEmpty {
                let at = next(line.count)
                switch next(3) {
                case 0: line.remove(at: at)
                case 1: line.insert(line[at], at: at)
                default: line[at] = alphabet[next(alphabet.count)]
                }
            }
            checked += 1
            guard let fast = FlatJSONObject.fields(ArraySlice(line)) else { continue }
            read += 1
            #expect(fast == JSONProbeLine.foundationFields(ArraySlice(line)), "\(String(decoding: line, as: UTF8.self))")
        }
        #expect(checked == 10_000)
        #expect(read > 1_500, "the edits must leave many lines the fast reader reads")
    }

    /// The service name is trimmed as `trimmingCharacters(in: .whitespaces)` trims it.
    @Test func serviceNamesAreTrimmedAsFoundationTrims() {
        for name in ["smtp-in", " smtp-in", "smtp-in\t", " \t ", "", "\u{00A0}imap\u{3000}", "\u{2003}", "pop3 \u{200B}",
                     "\u{00E9}t\u{00E9}", " a b ", "\nx\n", "x\u{1680}"] {
            #expect(JSONProbeLine.trimmingWhitespace(name) == name.trimmingCharacters(in: .whitespaces), "\(name.debugDescription)")
        }
    }

    private func outcome(_ line: String) -> String {
        switch JSONProbeLine.parse(Self.bytes(line)) {
        case .success(let (service, _)): service
        case .failure(let problem): problem.rawValue
        }
    }
}
