import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A real TCP server on 127.0.0.1 that the probes talk to in the tests: it sends a greeting,
/// answers each line by a script, can switch to TLS mid-stream (STARTTLS) or from the start,
/// and records every line it received. The script decides, not a mock of the client.
final class LineServer: Sendable {
    enum Reply: Sendable {
        case lines([String])
        /// Send these lines, then start TLS (the server side of STARTTLS / STLS).
        case startTLS([String])
        /// Say nothing and wait for the next line (the lines of a message body).
        case none
        case close
    }

    typealias Script = @Sendable (_ line: String, _ tls: Bool) -> Reply

    let port: Int
    private let channel: Channel
    private let received = NIOLockedValueBox<[String]>([])

    /// Every line the server read, in order, across connections.
    var lines: [String] { received.withLockedValue { $0 } }

    /// `greeting: nil` never says anything (the listener that never answers). With `raw`, the server
    /// reads a request up to its blank line and answers with those bytes (an HTTP server).
    init(greeting: String?, implicitTLS: NIOSSLContext? = nil, startTLS: NIOSSLContext? = nil,
         raw: [UInt8]? = nil, script: @escaping Script = { _, _ in .close }) async throws {
        let received = self.received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: implicitTLS))
                    }
                    try child.pipeline.syncOperations.addHandler(
                        ScriptHandler(greeting: greeting, raw: raw, tls: implicitTLS != nil, startTLS: startTLS,
                                      script: script, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    func stop() async {
        try? await channel.close()
    }

    /// A port that was just free and is closed now: connecting to it is refused.
    static func closedPort() async throws -> Int {
        let server = try await LineServer(greeting: nil)
        let port = server.port
        await server.stop()
        return port
    }
}

private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let greeting: String?
    private let raw: [UInt8]?
    private var tls: Bool
    private let startTLS: NIOSSLContext?
    private let script: LineServer.Script
    private let received: NIOLockedValueBox<[String]>
    private var buffer = ByteBuffer()

    init(greeting: String?, raw: [UInt8]?, tls: Bool, startTLS: NIOSSLContext?, script: @escaping LineServer.Script,
         received: NIOLockedValueBox<[String]>) {
        self.greeting = greeting
        self.raw = raw
        self.tls = tls
        self.startTLS = startTLS
        self.script = script
        self.received = received
    }

    func channelActive(context: ChannelHandlerContext) {
        if raw == nil, let greeting { send(context, [greeting]) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer.readString(length: newline - buffer.readerIndex)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            received.withLockedValue { $0.append(line) }
            if let raw {
                // An HTTP server: the whole response once the request's headers ended, then close.
                guard line.isEmpty else { continue }
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: raw))).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            switch script(line, tls) {
            case .lines(let lines): send(context, lines)
            case .none: break
            case .close:
                context.close(promise: nil)
                return
            case .startTLS(let lines):
                send(context, lines)
                guard let startTLS else { return }
                try! context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: startTLS), position: .first)
                tls = true
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ lines: [String]) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())), promise: nil)
    }
}

/// A self-signed certificate made with openssl for the TLS tests (the server the probe must not trust by default).
enum TestCertificate {
    /// Made once per test process (lazily, thread-safe), shared by every TLS test.
    static let serverContext: NIOSSLContext = try! make()

    private static func make() throws -> NIOSSLContext {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailsla-probe-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let key = dir.appendingPathComponent("key.pem").path
        let cert = dir.appendingPathComponent("cert.pem").path
        if !FileManager.default.fileExists(atPath: cert) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                                 "-keyout", key, "-out", cert]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }
}
