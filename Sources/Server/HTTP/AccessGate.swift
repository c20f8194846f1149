import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Decides who each request acts for. Two modes:
/// - **single-user**: on a loopback address with no accounts, every request acts for the local owner (no sign-in;
///   `RequestOriginMiddleware` keeps other web pages out);
/// - **accounts**: as soon as one account exists, or on any other address, a request needs a session cookie or an
///   API token (`Authorization: Bearer csk_…`), except on the public routes; a cookie-authenticated request that
///   changes anything must also carry the session's CSRF token in `X-CSRF-Token`.
final class AccessGate: Sendable {
    enum Mode: String, Codable, Sendable {
        case singleUser = "single-user"
        case accounts
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// Routes anyone may reach: liveness, the session probe and sign-in, and the page's own files (the sign-in
    /// form is part of the page). Nothing here reads or changes data.
    static let publicRoutes: Set<String> = ["GET /api/health", "GET /api/session", "POST /api/login"]

    let accounts: AccountService
    let cookie: SessionCookie
    /// Whether the server listens on a loopback address only.
    let loopback: Bool
    private let publicFiles: Set<String>
    /// Once an account exists the server stays in accounts mode (disabling every account does not reopen it).
    private let accountsSeen = Atomic(false)

    init(accounts: AccountService, cookie: SessionCookie, loopback: Bool, publicFiles: Set<String>) {
        self.accounts = accounts
        self.cookie = cookie
        self.loopback = loopback
        self.publicFiles = publicFiles
    }

    func mode() async throws -> Mode {
        if !loopback || accountsSeen.load(ordering: .relaxed) { return .accounts }
        guard try await accounts.hasAccounts() else { return .singleUser }
        accountsSeen.store(true, ordering: .relaxed)
        return .accounts
    }

    /// Who `request` acts for: nil on a public route without credentials.
    ///
    /// - Throws: `AccountError.unauthenticated` (401) when a non-public route has no valid credentials,
    ///   `.forbidden` (403) when a session's state-changing request lacks its CSRF token.
    func identity(for request: Request) async throws -> Identity? {
        if try await mode() == .singleUser { return .localOwner }
        let isPublic = isPublic(request)
        let identity: Identity
        do {
            if let authorization = request.headers[.authorization] {
                let parts = authorization.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                    throw AccountError.unauthenticated(reason: "send an API token as 'Authorization: Bearer <token>'")
                }
                identity = try await accounts.identity(token: String(parts[1]))
            } else if let secret = cookie.secret(in: request) {
                identity = try await accounts.identity(sessionSecret: secret)
            } else {
                throw AccountError.unauthenticated(
                    reason: "sign in first (a browser session, or an API token in 'Authorization: Bearer <token>')")
            }
        } catch is AccountError where isPublic {
            return nil
        }
        if case .session(_, let csrfToken) = identity.credential, !Self.isSafe(request.method) {
            guard let sent = request.headers[Self.csrfHeader], Secrets.constantTimeEquals(sent, csrfToken) else {
                throw AccountError.forbidden(
                    reason: "the request lacks this session's CSRF token (X-CSRF-Token); reload the page")
            }
        }
        return identity
    }

    func isPublic(_ request: Request) -> Bool {
        let path = request.uri.path
        if Self.publicRoutes.contains("\(request.method) \(path)") { return true }
        return Self.isSafe(request.method) && (path == "/" || publicFiles.contains(path))
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head || method == .options }
}

/// Sets `ServerRequestContext.identity` from `AccessGate`, or answers 401/403.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    let gate: AccessGate

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.identity = try await gate.identity(for: request)
        return try await next(request, context)
    }
}
