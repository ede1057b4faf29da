import Foundation
import Mailsla

extension ProbeTargetSettings.Credentials {
    /// Reads the password from its file (first line) or environment variable, at probe time so a
    /// changed password file needs no restart. The failure names the source, never the value.
    func resolvePassword() throws(ProbeFailure) -> String {
        switch password {
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ProbeFailure(.auth, "cannot read the password file \(path)")
            }
            return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw ProbeFailure(.auth, "the environment variable \(name) (the probe's password) is not set")
            }
            return value
        }
    }
}
