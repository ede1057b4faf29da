import Hummingbird
import NIOCore

/// Hummingbird's request context plus the client's address, which the rate limit keys on.
struct StatusRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The rate limit's key: the address without the port.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}
