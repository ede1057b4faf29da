import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the paths a user typed (files, directories, globs, `-`) into the
/// order they must be read in: each rotated set oldest first
/// (`mail.log.9.gz` … `mail.log.1`, `mail.log`; or `mail.log-20261101.gz` …
/// `mail.log`), whatever order the arguments came in.
public enum InputPaths {
    /// One input to read, in order.
    public enum Input: Equatable, Sendable {
        case standardInput
        case file(String)
    }

    /// Expands and orders `arguments`. Patterns that match nothing and missing
    /// paths come back in `missing` so the caller can report them and go on.
    public static func resolve(_ arguments: [String]) -> (inputs: [Input], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        var standardInput = false
        for argument in arguments {
            if argument == "-" {
                standardInput = true
                continue
            }
            let expanded = hasGlobCharacters(argument) ? glob(argument) : [argument]
            if expanded.isEmpty { missing.append(argument) }
            for path in expanded {
                if isDirectory(path) {
                    files += listDirectory(path)
                } else if exists(path) {
                    files.append(path)
                } else {
                    missing.append(path)
                }
            }
        }
        var seen = Set<String>()
        files = files.filter { seen.insert($0).inserted }
        var inputs = orderRotatedSets(files).map { Input.file($0) }
        if standardInput { inputs.append(.standardInput) }
        return (inputs, missing)
    }

    /// Where a file sits in its rotated set: its base name and its age rank (larger = older).
    public struct RotationKey: Equatable, Sendable {
        public let base: String
        /// 0 for the live file, N for `.N`, and for dated names a rank that sorts older dates first.
        public let age: Int
    }

    public static func rotationKey(_ path: String) -> RotationKey {
        var name = path
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if let dot = name.lastIndex(where: { $0 == "." || $0 == "-" }) {
            let suffix = name[name.index(after: dot)...]
            if !suffix.isEmpty, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber), let value = Int(suffix) {
                let base = String(name[..<dot])
                if suffix.count == 8, value > 19_000_000 {
                    // dateext: an older date is an older file. Rank so that older sorts first (larger age).
                    return RotationKey(base: base, age: 100_000_000 - value)
                }
                return RotationKey(base: base, age: value)
            }
        }
        return RotationKey(base: name, age: 0)
    }

    /// Groups files by rotated set (first appearance order) and sorts each set oldest first.
    public static func orderRotatedSets(_ files: [String]) -> [String] {
        var order: [String] = []
        var sets: [String: [(String, Int)]] = [:]
        for file in files {
            let key = rotationKey(file)
            if sets[key.base] == nil { order.append(key.base) }
            sets[key.base, default: []].append((file, key.age))
        }
        return order.flatMap { base in
            sets[base]!.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
        }
    }

    static func hasGlobCharacters(_ s: String) -> Bool {
        s.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Regular files in a directory, leaving out hidden files and journal files (read those with --journal-dir).
    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }  // reported as unreadable when opened
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") || name.hasSuffix(".journal") || name.hasSuffix(".journal~") { continue }
            let full = path.hasSuffix("/") ? path + name : path + "/" + name
            if !isDirectory(full) { names.append(full) }
        }
        return names.sorted()
    }
}
