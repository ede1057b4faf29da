import Foundation
@testable import MailslaInput
import MailslaCore

/// A fresh directory per test, removed by the caller.
func makeTemporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-input-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Compresses with the system gzip (a real gzip, not ours).
func gzip(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", "-n"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
    writer.start()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return result
}

/// Reads a whole stream in blocks of `block` bytes.
func readAll(_ stream: ByteStream, block: Int = 4096) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: block)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if n == 0 { return out }
        out += buffer[..<n]
    }
}
