import Hummingbird
import NIOCore

/// The context of every request: Hummingbird's core and the client's address (for per-client limits).
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address; nil where there is none (in-process tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client a rate limit counts against: its IP address (any port), or nil when unknown.
    var clientKey: String? { remoteAddress?.ipAddress }
}
