import Foundation
import HTTPTypes
import Hummingbird

/// Refuses what other web pages make a browser send: requests addressed to a host name this server does not
/// answer to (DNS rebinding, 421), and requests from another origin (an `Origin` that is not this server's, or
/// `Sec-Fetch-Site` saying another site sent it; 403). A link from elsewhere still opens the page (a top-level
/// navigation), but nothing it loads or sends from another site is served. Clients that are not browsers send
/// neither header and pass.
struct RequestOriginMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    let hosts: HostPolicy
    /// Whether the server is reached over TLS (for the default port of `Origin`).
    let tls: Bool

    static let host = HTTPField.Name("Host")!
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let fetchMode = HTTPField.Name("Sec-Fetch-Mode")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // HTTP/1's Host becomes the authority; any further Host field must pass too.
        let authority = request.head.authority
        for named in [authority].compactMap({ $0 }) + request.headers[values: Self.host]
        where !hosts.allows(authority: named) {
            throw ServerError(
                .misdirectedRequest,
                "this server does not answer to the host name '\(HostPolicy.name(ofAuthority: named).prefix(100))'"
                    + " (an administrator can allow it with --allowed-host)")
        }
        if let origin = request.headers[.origin] {
            guard let authority, Self.origin(origin, matches: authority, tls: tls) else {
                throw ServerError(
                    .forbidden, "requests from other web sites are refused (Origin '\(origin.prefix(100))')")
            }
        }
        if let site = request.headers[Self.fetchSite], site != "same-origin", site != "none" {
            let navigation = request.method == .get && request.headers[Self.fetchMode] == "navigate"
            guard navigation else {
                throw ServerError(
                    .forbidden, "requests from other web sites are refused (Sec-Fetch-Site: \(site.prefix(20)))")
            }
        }
        return try await next(request, context)
    }

    /// Whether the `Origin` header `origin` (scheme://host[:port]) names the server the request reached as
    /// `authority` (host[:port]).
    static func origin(_ origin: String, matches authority: String, tls: Bool) -> Bool {
        guard let url = URL(string: origin), let scheme = url.scheme?.lowercased(), let host = url.host,
            scheme == (tls ? "https" : "http")
        else { return false }
        let defaultPort = tls ? 443 : 80
        let originPort = url.port ?? defaultPort
        let requestName = HostPolicy.name(ofAuthority: authority)
        let requestPort: Int
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]"),
            let port = Int(authority[authority.index(after: colon)...])
        {
            requestPort = port
        } else {
            requestPort = defaultPort
        }
        return HostPolicy.name(ofAuthority: host) == requestName && originPort == requestPort
    }
}
