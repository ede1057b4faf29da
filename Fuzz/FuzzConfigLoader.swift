// libFuzzer target: the configuration loader (`mailsla.yaml`). Any text is
// either a configuration or a ConfigError naming the file; nothing else may
// come out, and nothing may crash.
import Foundation
import Mailsla

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let config = try ConfigLoader.parse(text, path: "fuzz.yaml")
        precondition(config.path == "fuzz.yaml", "the configuration lost its path")
    } catch let error as ConfigError {
        precondition(error.file == "fuzz.yaml", "the error names \(error.file)")
    } catch {
        preconditionFailure("not a ConfigError: \(error)")
    }
    return 0
}
