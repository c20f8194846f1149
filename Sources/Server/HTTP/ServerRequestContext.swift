import Accounts
import Hummingbird
import NIOCore

/// The context of every request: Hummingbird's core, the client's address (for per-client limits) and, once
/// `AuthenticationMiddleware` has run, who the request acts for.
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address; nil where there is none (in-process tests).
    public let remoteAddress: SocketAddress?
    /// Who the request acts for; nil only on public routes (health, sign-in, the page itself).
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client a rate limit counts against: its IP address (any port), or nil when unknown.
    var clientKey: String? { remoteAddress?.ipAddress }

    /// Who the request acts for.
    ///
    /// - Throws: 401 when nobody signed in (only public routes let such requests through).
    func requireIdentity() throws -> Identity {
        guard let identity else { throw AccountError.unauthenticated(reason: "sign in first") }
        return identity
    }

    /// The signed-in admin.
    ///
    /// - Throws: 401 without an identity, 403 for someone who is not an admin.
    func requireAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.isAdmin else { throw AccountError.forbidden(reason: "only an administrator may do this") }
        return identity
    }
}
