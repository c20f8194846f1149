import Foundation
import Hummingbird
import Storage

/// The audit log: `GET /api/projects/{project}/audit` (any member) and `GET /api/audit` (administrators: account
/// changes and project deletions), newest first, `?limit=` entries (default 100) older than `?before=` (an entry id).
enum AuditRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, gate: AccessGate) {
        router.get("/api/projects/{project}/audit") { request, context in
            let project = try await context.project(to: .view, in: services)
            return JSONBody.response(try await entries(of: project.id, request, services))
        }
        router.get("/api/audit") { request, context in
            _ = try await UserRoutes.admin(context, gate)
            return JSONBody.response(try await entries(of: nil, request, services))
        }
    }

    static func entries(of projectID: String?, _ request: Request, _ services: ServerServices) async throws
        -> [AuditDTO]
    {
        let limit = try request.integer("limit", default: 100, in: AuditLog.pageLimit)
        let before = try request.integer("before", in: 1...Int.max).map(Int64.init)
        return try await services.audit.entries(projectID: projectID, before: before, limit: limit).map(AuditDTO.init)
    }
}

/// An audit entry as clients see it.
struct AuditDTO: Codable, Sendable {
    var id: Int64
    var at: Date
    var user: String
    var action: String
    var objectID: String?
    var detail: String

    init(_ record: AuditRecord) {
        id = record.id ?? 0
        at = record.at
        user = record.userName
        action = record.action
        objectID = record.objectID
        detail = record.detail
    }
}
