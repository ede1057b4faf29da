import Foundation
import MailslaCore
import Testing
@testable import MailslaRules

/// The program compiler on constructs beyond the shipped pack: patterns chosen for
/// what backtracking gets wrong (captures in repeated alternatives, consecutive
/// captures before a choice, lazy runs, atomic groups, lookaheads, `$` before a
/// final newline) are written as C, compiled with clang and run on thousands of
/// subjects; every answer and every offset must be PCRE2's.
@Suite struct RuleProgramSemanticsTests {
    static let patterns = [
        #"^(?<a>x)(?<b>y|z)w"#,
        #"^(?:(?<a>a)|(?<b>b))+c"#,
        #"^(a|ab)(c|bcd)(d*)$"#,
        #"^(?<x>[a-z]+?)(?<y>[0-9]*)z"#,
        #"^a(?=b)(?<r>b+)"#,
        #"^a(?!bc)b(?<r>.*)$"#,
        #"^(?>a+)b"#,
        #"^(?:ab|a)*+c"#,
        #"^(?:ab|a)*c"#,
        #"^(?<q>[0-9A-F]{2,4}|[0-9a-z]{3,5}): (?<r>.*)$"#,
        #"^x{2,4}?(?<t>x*)$"#,
        #"^(?:(?<d>[0-9]+)\.){3}(?<e>[0-9]+)$"#,
        #"^(?<all>(?:[^,\n]++|,(?! H: ))*+), H: (?<h>[0-9.]+)"#,
        #"^a(?:b(?<c>c)?)?d$"#,
        #"^(?<a>)(?<b>x)?"#,
        #"^$"#,
        #"^a$"#,
        #"^(?:a|b)*?(?<last>b)"#,
        #"^.{3}(?<rest>\S+)\s*$"#,
        #"^(?<p>[^ ,]{1,3}),?(?<q>\w{0,2}?)(?<r>[a-c]+)"#,
        #"^(?:(?<o>a)?b)*c"#,
        #"^(?:x(?<i>[0-9]+)|y(?<j>[0-9]+))(?:,(?<k>[a-z]+))?$"#,
        #"^(?:a|(?=b)b|c(?!d))+$"#,
        #"^(?<w>\d+)(?:\.\d+)?(?:/(?<v>\d+))?\b"#,   // \b: no program, must be refused, not guessed
    ]

    @Test func compiledProgramsAnswerAsPCRE2Does() throws {
        let programs = Self.patterns.filter { RuleProgram(pattern: $0) != nil }
        #expect(programs.count == Self.patterns.count - 1)
        let subjects = Self.subjects()
        let results = try Self.runCompiled(programs, subjects)

        var disagreements: [String] = []
        var compared = 0, matched = 0, unsure = 0
        for (p, pattern) in programs.enumerated() {
            let compiled = try CompiledPattern(pattern)
            let reference = PatternMatcher(maxCaptures: compiled.captureCount, usesPrograms: false)
            for (s, subject) in subjects.enumerated() {
                let answer = results[p][s]
                guard answer != "U" else {
                    unsure += 1
                    continue
                }
                let expected = subject.withUnsafeBufferPointer { m -> String in
                    let base = m.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    guard reference.match(compiled, base, m.count) == .match else { return "0" }
                    return "1 " + (0..<(2 * (compiled.captureCount + 1))).map { String(reference.ovector[$0]) }.joined(separator: " ")
                }
                compared += 1
                if expected != "0" { matched += 1 }
                if answer != expected, disagreements.count < 10 {
                    disagreements.append("\(pattern) on \(String(decoding: subject, as: UTF8.self).debugDescription): \(answer) vs PCRE2 \(expected)")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(compared > 50_000)
        #expect(matched > 2_000)
        #expect(unsure < compared / 100)
    }

    /// Short strings over the bytes the patterns care about, random and hand-picked.
    static func subjects() -> [[UInt8]] {
        let alphabet = Array("abcdxyzw0129AF:., H\n".utf8)
        var random = SplitMix64(seed: 271_127)
        var subjects: [[UInt8]] = ["xyw", "xzw", "abbac", "abcd", "abcdd", "ab12z", "abbb", "abcx", "aaab", "ababc",
                                   "AF1: rest", "abc: x", "xxxx", "1.2.3.4", "p,q H: 1.5", "abcd", "abd", "ad", "x",
                                   "", "a\n", "a\n\n", "aabab", "12.5/7", "y12,ab", "x7", "ccb", "abcabc"].map { Array($0.utf8) }
        for _ in 0..<3_000 {
            let length = Int(random.next() % 13)
            subjects.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        return subjects
    }

    /// Compiles `patterns` to C with a small driver and runs it: one line per pattern and
    /// subject, "0", "U" (unsure) or "1" and the offsets.
    static func runCompiled(_ patterns: [String], _ subjects: [[UInt8]]) throws -> [[String]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-programs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try RuleProgramSource.generate(patterns: patterns).write(to: dir.appendingPathComponent("programs.c"), atomically: true, encoding: .utf8)
        try Self.driver.write(to: dir.appendingPathComponent("driver.c"), atomically: true, encoding: .utf8)
        var input = Data()
        for subject in subjects {
            input.append(contentsOf: Array(String(subject.count).utf8) + [0x0A] + subject)
        }
        try input.write(to: dir.appendingPathComponent("subjects"))

        let sources = AgreementCorpus.packageRoot.appendingPathComponent("Sources")
        try run("/usr/bin/env", ["clang", "-O1", "-I", sources.appendingPathComponent("CRulePrograms/include").path,
                                 "-I", sources.appendingPathComponent("CLineScan/include").path,
                                 dir.appendingPathComponent("programs.c").path, dir.appendingPathComponent("driver.c").path,
                                 "-o", dir.appendingPathComponent("driver").path])
        let output = try run(dir.appendingPathComponent("driver").path, [dir.appendingPathComponent("subjects").path])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return patterns.indices.map { p in Array(lines[(p * subjects.count)..<((p + 1) * subjects.count)]) }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CompileFailure(command: ([executable] + arguments).joined(separator: " ")) }
        return String(decoding: data, as: UTF8.self)
    }

    struct CompileFailure: Error { let command: String }

    /// Reads "LENGTH\nBYTES" records and prints each program's answer on each subject, with as
    /// many offsets as the program says it writes.
    static let driver = #"""
    #include <stdio.h>
    #include <stdlib.h>
    #include "CRulePrograms.h"
    int main(int argc, char **argv) {
        FILE *f = fopen(argv[1], "rb");
        static unsigned char *subjects[100000]; static size_t lengths[100000]; size_t count = 0, length;
        while (fscanf(f, "%zu", &length) == 1 && fgetc(f) == '\n') {
            subjects[count] = malloc(length + 1);
            if (length && fread(subjects[count], 1, length, f) != length) return 2;
            lengths[count++] = length;
        }
        size_t slots[64];
        for (size_t p = 0; p < rule_program_count; p++) {
            for (size_t s = 0; s < count; s++) {
                int32_t answer = rule_program_list[p].match(subjects[s], lengths[s], slots);
                if (answer < 0) { printf("U\n"); continue; }
                if (answer == 0) { printf("0\n"); continue; }
                printf("1");
                for (size_t g = 0; g < rule_program_list[p].slots; g++) printf(" %ld", (long)slots[g]);
                printf("\n");
            }
        }
        return 0;
    }
    """#
}
