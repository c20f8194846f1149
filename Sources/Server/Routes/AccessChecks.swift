import Storage

/// The object a route's path names, resolved through `ProjectAccess` for the caller and the action the route is
/// about to take, before the route reads a body or does any work: a route cannot reach a project's data without
/// passing here.
extension ServerRequestContext {
    /// Path parameter `project`.
    func project(to action: ProjectAction, in services: ServerServices) async throws -> ProjectRecord {
        try await services.access.project(id("project", kind: "project"), for: requireIdentity(), to: action)
    }

    /// Path parameter `image`.
    func image(to action: ProjectAction, in services: ServerServices) async throws -> ImageRecord {
        try await services.access.image(id("image", kind: "image"), for: requireIdentity(), to: action)
    }

    /// Path parameter `job`.
    func job(to action: ProjectAction, in services: ServerServices) async throws -> JobRecord {
        try await services.access.job(id("job", kind: "job"), for: requireIdentity(), to: action)
    }

    /// Appends `action` by the caller to the audit log (after the change succeeded).
    func audit(
        _ action: AuditAction, project: String?, object: String? = nil, detail: String = "",
        in services: ServerServices
    ) async {
        guard let identity else { return }
        await services.audit.record(action, by: identity, project: project, object: object, detail: detail)
    }

    /// Path parameter `model`.
    func model(to action: ProjectAction, in services: ServerServices) async throws -> ModelRecord {
        try await services.access.model(id("model", kind: "model"), for: requireIdentity(), to: action)
    }
}
