import Accounts
import Foundation
import Hummingbird

/// Accounts, for administrators: `GET/POST /api/users`, `POST /api/users/{name}/disable|enable`,
/// `PUT /api/users/{name}/password`.
enum UserRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, gate: AccessGate) {
        let accounts = services.accounts
        router.get("/api/users") { _, context in
            _ = try await admin(context, gate)
            return JSONBody.response(try await accounts.users().map(UserDTO.init))
        }
        router.post("/api/users") { request, context in
            let body = try await JSONBody.decode(CreateUser.self, from: request, limit: 4_096)
            let admin = try await admin(context, gate)
            let user = try await accounts.addUser(
                name: body.name, password: body.password, isAdmin: body.isAdmin ?? false)
            context.logger.notice("administrator '\(admin.name)' created user '\(user.name)'")
            await context.audit(
                .userCreate, project: nil, object: user.id,
                detail: user.name + (user.isAdmin ? " (administrator)" : ""),
                in: services)
            return JSONBody.response(UserDTO(user), status: .created)
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            router.post("/api/users/{name}/\(action)") { _, context in
                let admin = try await admin(context, gate)
                let name = try context.parameters.require("name")
                try await accounts.setDisabled(disabled, name: name)
                context.logger.notice("administrator '\(admin.name)' \(action)d user '\(name)'")
                await context.audit(disabled ? .userDisable : .userEnable, project: nil, detail: name, in: services)
                return JSONBody.response(UserDTO(try await accounts.user(named: name)))
            }
        }
        router.put("/api/users/{name}/password") { request, context in
            let body = try await JSONBody.decode(SetPassword.self, from: request, limit: 4_096)
            let admin = try await admin(context, gate)
            let name = try context.parameters.require("name")
            try await accounts.resetPassword(name: name, to: body.password)
            context.logger.notice("administrator '\(admin.name)' reset the password of user '\(name)'")
            await context.audit(.userPasswordReset, project: nil, detail: name, in: services)
            return Response(status: .noContent)
        }
    }

    static func admin(_ context: ServerRequestContext, _ gate: AccessGate) async throws -> Identity {
        let identity = try context.requireAdmin()
        try await AccountRoutes.requireAccountsMode(gate)
        return identity
    }
}
