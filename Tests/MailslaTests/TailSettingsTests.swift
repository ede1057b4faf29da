import Testing
@testable import Mailsla

@Suite struct TailSettingsTests {
    @Test func tailKeysAreReadAndDefaultsKept() throws {
        #expect(try ConfigLoader.parse("store: /tmp/s.db\n", path: "t.yaml").tail == TailSettings())
        let c = try ConfigLoader.parse("""
        store: /var/lib/mailsla/state.db
        tail:
          checkpoint_interval: 5s
          checkpoint_max_rate: 1MiB/s
          start: 2026-11-26T00:00:00Z
          journal: { namespace: mail }
          max_line: 4096
        """, path: "t.yaml")
        #expect(c.tail.checkpointInterval == 5)
        #expect(c.tail.checkpointBytesPerSecond == 1_048_576)
        #expect(TailSettings().checkpointBytesPerSecond == 262_144)
        #expect(try ConfigLoader.parse("tail: { checkpoint_max_rate: 300000 }", path: "t.yaml").tail.checkpointBytesPerSecond == 300_000)
        #expect(c.tail.start == .since(1_795_651_200_000_000))
        #expect(c.tail.journal == .namespace("mail"))
        #expect(c.tail.maxLineLength == 4096)
        #expect(try ConfigLoader.parse("tail: { checkpoint_interval: 0.5, journal: local, start: beginning }", path: "t.yaml").tail
            == { var t = TailSettings(); t.checkpointInterval = 0.5; t.journal = .local; t.start = .beginning; return t }())
    }

    @Test func badTailValuesNameTheLineAndTheFix() {
        for (text, expected) in [("tail: { start: yesterday }", "tail.start must be"),
                                 ("tail: { checkpoint_interval: 0 }", "between 0.05 s and 1 h"),
                                 ("tail: { journal: remote }", "tail.journal must be"),
                                 ("tail: { checkpoint_max_rate: fast }", "not a byte rate"),
                                 ("tail: { checkpoint_max_rate: 12 }", "at least 1KiB"),
                                 ("tail: { checkpoint_max_rate: 99999999999999999GiB }", "not a byte rate"),
                                 ("tail: { journal: { directory: /a, namespace: b } }", "one of directory or namespace"),
                                 ("tail: { every: 1s }", "every")] {
            let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, path: "t.yaml") }
            #expect(error?.description.contains(expected) == true, "\(text): \(error?.description ?? "")")
            #expect(error?.description.contains("t.yaml") == true)
        }
    }
}
