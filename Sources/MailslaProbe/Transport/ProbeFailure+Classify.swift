#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import NIOSSL

extension ProbeFailure {
    /// Sorts whatever a connection threw into the bounded classes, keeping a short cause.
    /// `waitingFor` names what the probe was waiting for when its deadline passed.
    static func classify(_ error: any Error, waitingFor: String, timeoutMilliseconds: Int) -> ProbeFailure {
        switch error {
        case let failure as ProbeFailure:
            return failure
        case is ProbeConnection.DeadlinePassed:
            return ProbeFailure(.timeout, "timed out after \(seconds(timeoutMilliseconds)) waiting for \(waitingFor)")
        case let error as ChannelError:
            if case .connectTimeout = error { return ProbeFailure(.timeout, "no connection within the connect time-out") }
            if case .eof = error { return ProbeFailure(.network, "connection closed while waiting for \(waitingFor)") }
            if case .ioOnClosedChannel = error { return ProbeFailure(.network, "connection closed while waiting for \(waitingFor)") }
            return ProbeFailure(.network, "\(error)")
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return ProbeFailure(.network, "cannot resolve \(error.host)")
            }
            let causes = error.connectionErrors.map(\.error)
            if causes.contains(where: { errno(of: $0) == ECONNREFUSED }) {
                return ProbeFailure(.refused, "connection refused by \(error.host) port \(error.port)")
            }
            if causes.contains(where: { errno(of: $0) == ETIMEDOUT || isConnectTimeout($0) }) {
                return ProbeFailure(.timeout, "no connection to \(error.host) port \(error.port)")
            }
            return ProbeFailure(.network, "cannot connect to \(error.host) port \(error.port): \(causes.map { "\($0)" }.joined(separator: "; "))")
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return ProbeFailure(.refused, "connection refused")
            case ETIMEDOUT: return ProbeFailure(.timeout, "connection timed out")
            case ECONNRESET, EPIPE: return ProbeFailure(.network, "connection reset while waiting for \(waitingFor)")
            default: return ProbeFailure(.network, "\(error)")
            }
        case let error as NIOSSLError:
            return ProbeFailure(.tls, "TLS handshake failed: \(error)")
        case let error as NIOSSLExtraError:
            return ProbeFailure(.tls, "TLS: \(error)")
        case let error as BoringSSLError:
            return ProbeFailure(.tls, "TLS: \(error)")
        default:
            return ProbeFailure(.network, "\(error)")
        }
    }

    private static func errno(of error: any Error) -> Int32? { (error as? IOError)?.errnoCode }

    private static func isConnectTimeout(_ error: any Error) -> Bool {
        if case .connectTimeout = error as? ChannelError { return true }
        return false
    }

    static func seconds(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
