import Foundation
import Hummingbird
import Storage

/// A project's members: `GET /api/projects/{project}/members` (any member), `PUT .../members/{name}` with
/// `{"role": …}` (owners), `DELETE .../members/{name}` (owners; any member for themselves).
enum MemberRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.get("/api/projects/{project}/members") { _, context in
            let project = try await context.project(to: .view, in: services)
            return JSONBody.response(try await services.members.members(of: project.id).map(MemberDTO.init))
        }
        router.put("/api/projects/{project}/members/{name}") { request, context in
            let project = try await context.project(to: .manage, in: services)
            let body = try await JSONBody.decode(SetRole.self, from: request)
            guard let role = ProjectRole(rawValue: body.role) else {
                let roles = ProjectRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ServiceError.unacceptable("a role is one of \(roles), not '\(body.role)'", field: "role")
            }
            let member = try await services.members.setRole(
                role, of: try context.parameters.require("name"), in: project.id)
            await context.audit(
                .memberSet, project: project.id, object: member.user.id,
                detail: "\(member.user.name): \(role.rawValue)", in: services)
            return JSONBody.response(MemberDTO(member))
        }
        router.delete("/api/projects/{project}/members/{name}") { _, context in
            let project = try await context.project(to: .view, in: services)
            let name = try context.parameters.require("name")
            try await services.members.remove(name, from: project.id, by: try context.requireIdentity())
            await context.audit(.memberRemove, project: project.id, detail: name, in: services)
            return Response(status: .noContent)
        }
    }
}

/// A project member as clients see it.
struct MemberDTO: Codable, Sendable {
    var name: String
    var role: ProjectRole
    /// When they joined or last changed role.
    var updatedAt: Date

    init(_ member: Member) {
        name = member.user.name
        role = member.membership.role
        updatedAt = member.membership.updatedAt
    }
}

/// The body of `PUT /api/projects/{project}/members/{name}`.
struct SetRole: Codable, Sendable {
    var role: String
}
