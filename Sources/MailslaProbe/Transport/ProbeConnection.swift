import Mailsla
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One probe's TCP connection (SwiftNIO): lines in, command lines out, TLS from
/// the start or upgraded mid-stream, bounded by a connect time-out and an
/// overall deadline after which the connection is closed under the reader.
struct ProbeConnection {
    /// Where to connect and how to protect the connection.
    struct Endpoint: Sendable {
        var host: String
        var port: Int
        var tls: ProbeTargetSettings.TLSMode
        var tlsVerify: Bool
        var connectTimeoutMilliseconds: Int
    }

    /// The longest server line accepted; a longer one is a protocol failure, not a growing buffer.
    static let maxLineBytes = 16 * 1024

    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: Channel
    private let endpoint: Endpoint
    private let sslContext: NIOSSLContext?
    private var buffer = ByteBuffer()

    /// Connects, runs `body` over the connection and closes it. When `deadline` passes first the
    /// connection is closed and the failure is a time-out naming `waitingFor()`.
    static func with<Result: Sendable>(
        _ endpoint: Endpoint, deadline: NIODeadline, group: EventLoopGroup,
        _ body: (inout ProbeConnection) async throws -> Result
    ) async throws -> Result {
        let sslContext = endpoint.tls == .none ? nil : try makeSSLContext(verify: endpoint.tlsVerify)
        let implicitTLS = endpoint.tls == .implicit
        let serverName = Self.serverName(endpoint.host)
        let asyncChannel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(endpoint.connectTimeoutMilliseconds)))
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let timedOut = NIOLockedValueBox(false)
        let channel = asyncChannel.channel
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            let result = try await asyncChannel.executeThenClose { inbound, outbound in
                var connection = ProbeConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound, channel: channel,
                                                 endpoint: endpoint, sslContext: sslContext)
                return try await body(&connection)
            }
            // A body that returned what it had when the timer closed the connection still timed out.
            if timedOut.withLockedValue({ $0 }) { throw DeadlinePassed() }
            return result
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw DeadlinePassed() }
            throw error
        }
    }

    /// Thrown when the overall deadline closed the connection; the caller names what it waited for.
    struct DeadlinePassed: Error {}

    /// The next line without its CR LF, or nil when the server closed the connection.
    mutating func readLine() async throws -> String? {
        while true {
            if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - buffer.readerIndex
                var bytes = buffer.readBytes(length: length)!
                buffer.moveReaderIndex(forwardBy: 1)
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard buffer.readableBytes <= Self.maxLineBytes else {
                throw ProbeFailure(.protocol, "a server line longer than \(Self.maxLineBytes) bytes")
            }
            guard let next = try await iterator.next() else { return nil }
            buffer.writeImmutableBuffer(next)
            buffer.discardReadBytes()
        }
    }

    /// Everything until the server closes, at most `limit` bytes (the rest is not read). A reset or a
    /// TLS close without close_notify after some bytes ends the read like a close: the caller judges the bytes.
    mutating func readToEnd(limit: Int) async throws -> [UInt8] {
        var out = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            while out.count < limit, let next = try await iterator.next() {
                out += next.readableBytesView.prefix(limit - out.count)
            }
        } catch where !out.isEmpty {
            return out
        }
        return out
    }

    /// Sends one command line. A line break inside it (say, in a password) is refused rather than sent.
    func send(_ line: String) async throws {
        guard !line.contains("\r"), !line.contains("\n") else {
            throw ProbeFailure(.protocol, "a command would contain a line break (check the probe's user name and password)")
        }
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
    }

    func send(bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Upgrades to TLS after the server agreed (STARTTLS, STLS). Bytes the server sent after its
    /// agreement and before the handshake would be plain-text injection: refused.
    mutating func startTLS() async throws {
        guard buffer.readableBytes == 0 else { throw ProbeFailure(.tls, "the server sent data after agreeing to start TLS") }
        let context = try sslContext ?? Self.makeSSLContext(verify: endpoint.tlsVerify)
        let serverName = Self.serverName(endpoint.host)
        let channel = self.channel
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                try NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
        }.get()
    }

    /// Holds `conversation` over this connection until it finishes or fails.
    mutating func converse<C: ProbeConversation>(_ conversation: inout C) async throws {
        var steps = conversation.start()
        while true {
            var index = 0
            while index < steps.count {
                let step = steps[index]
                index += 1
                switch step {
                case .send(let line): try await send(line)
                case .startTLS:
                    try await startTLS()
                    steps = conversation.tlsStarted()
                    index = 0
                case .finished: return
                case .failed(let failure): throw failure
                }
            }
            guard let line = try await readLine() else {
                if conversation.closeEndsConversation { return }
                throw ProbeFailure(.network, "connection closed by the server while waiting for \(conversation.waitingFor)")
            }
            steps = conversation.receive(line)
        }
    }

    static func makeSSLContext(verify: Bool) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !verify { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI and name checks take a host name, never an address literal.
    private static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
