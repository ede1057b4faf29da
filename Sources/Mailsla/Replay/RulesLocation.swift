import Foundation

/// Finds the shipped rule pack when `--rules` is not given: `$MAILSLA_RULES`,
/// `./rules`, the checkout the binary was built in, or the installed share folder.
public enum RulesLocation {
    public static func defaultDirectory() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["MAILSLA_RULES"] { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/rules")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // .build/<triple>/release/mailsla → the checkout's rules/
        candidates.append(executable.appendingPathComponent("../../../rules").standardized.path)
        candidates.append(executable.appendingPathComponent("../../rules").standardized.path)
        candidates.append(executable.appendingPathComponent("../share/mailsla/rules").standardized.path)
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path + "/taxonomy.yaml", isDirectory: &isDirectory)
        }
    }
}
