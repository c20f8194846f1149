import Accounts
import Foundation
import Hummingbird

/// The browser session's cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's request carries
/// it), Path=/, and under TLS Secure with the `__Host-` prefix (no subdomain or plain-HTTP page can set it).
struct SessionCookie: Sendable {
    let tls: Bool
    let lifetimeSeconds: Int

    var name: String { tls ? "__Host-cellscribe_session" : "cellscribe_session" }

    /// The cookie's secret in `request`, if it came with one.
    func secret(in request: Request) -> String? { request.cookies[name]?.value }

    /// The `Set-Cookie` value that stores `secret`.
    func setting(_ secret: String) -> Cookie {
        Cookie(
            name: name, value: secret, maxAge: lifetimeSeconds, path: "/", secure: tls, httpOnly: true,
            sameSite: .strict)
    }

    /// The `Set-Cookie` value that removes the cookie.
    var clearing: Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: tls, httpOnly: true, sameSite: .strict)
    }
}
