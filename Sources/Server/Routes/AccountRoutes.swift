import Accounts
import Foundation
import Hummingbird

/// Sign-in and the signed-in user's own things: `GET /api/session`, `POST /api/login`, `POST /api/logout`,
/// `POST /api/password`, and API tokens at `/api/tokens`.
enum AccountRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, gate: AccessGate) {
        let accounts = services.accounts
        router.get("/api/session") { _, context in
            JSONBody.response(SessionDTO(mode: try await gate.mode(), identity: context.identity))
        }
        router.post("/api/login") { request, context in
            let body = try await JSONBody.decode(SignIn.self, from: request, limit: 4_096)
            try await requireAccountsMode(gate)
            let session = try await accounts.signIn(
                name: body.name, password: body.password, address: context.clientKey)
            context.logger.notice(
                "user '\(session.user.name)' signed in from \(context.clientKey ?? "an unknown address")")
            let identity = Identity(
                userID: session.user.id, name: session.user.name, isAdmin: session.user.isAdmin,
                credential: .session(id: session.record.id, csrfToken: session.record.csrfToken))
            var response = JSONBody.response(SessionDTO(mode: .accounts, identity: identity))
            response.setCookie(gate.cookie.setting(session.secret))
            return response
        }
        router.post("/api/logout") { _, context in
            if case .session(let id, _) = try context.requireIdentity().credential {
                try await accounts.signOut(sessionID: id)
            }
            var response = Response(status: .noContent)
            response.setCookie(gate.cookie.clearing)
            return response
        }
        router.post("/api/password") { request, context in
            let body = try await JSONBody.decode(ChangePassword.self, from: request, limit: 4_096)
            let identity = try await accountHolder(context, gate)
            try await accounts.changePassword(of: identity, current: body.currentPassword, new: body.newPassword)
            context.logger.notice("user '\(identity.name)' changed their password")
            var response = Response(status: .noContent)
            response.setCookie(gate.cookie.clearing)
            return response
        }
        router.get("/api/tokens") { _, context in
            let identity = try await accountHolder(context, gate)
            return JSONBody.response(try await accounts.tokens(of: identity).map { TokenDTO($0) })
        }
        router.post("/api/tokens") { request, context in
            let body = try await JSONBody.decode(CreateToken.self, from: request, limit: 4_096)
            let identity = try await accountHolder(context, gate)
            let made = try await accounts.createToken(for: identity, name: body.name, days: body.expiresInDays)
            return JSONBody.response(TokenDTO(made.record, token: made.token), status: .created)
        }
        router.delete("/api/tokens/{token}") { _, context in
            let identity = try await accountHolder(context, gate)
            try await accounts.revokeToken(try context.id("token", kind: "API token"), of: identity)
            return Response(status: .noContent)
        }
    }

    /// The signed-in account holder (the single-user mode's local owner has no account, so no tokens or password).
    /// (Refused whatever the mode is by now: an account made after this request was let in does not give the local
    /// owner one.)
    static func accountHolder(_ context: ServerRequestContext, _ gate: AccessGate) async throws -> Identity {
        let identity = try context.requireIdentity()
        guard identity.credential != .localOwner else { throw singleUser }
        return identity
    }

    static func requireAccountsMode(_ gate: AccessGate) async throws {
        guard try await gate.mode() == .accounts else { throw singleUser }
    }

    static let singleUser = ServerError(
        .conflict,
        "this server runs in single-user mode (loopback, no accounts): there is nothing to sign in to; "
            + "create accounts with 'cellscribe users add'")
}
