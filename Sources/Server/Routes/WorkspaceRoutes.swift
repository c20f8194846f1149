import Hummingbird

/// Where the caller left off: `GET /api/workspace` (empty when nothing was saved) and `PUT /api/workspace`.
enum WorkspaceRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.get("/api/workspace") { _, context in
            JSONBody.response(try await services.workspaces.restore(for: context.requireIdentity()))
        }
        router.put("/api/workspace") { request, context in
            let identity = try context.requireIdentity()
            let workspace = try await JSONBody.decode(Workspace.self, from: request, limit: Workspaces.maxBodyBytes)
            return JSONBody.response(try await services.workspaces.save(workspace, for: identity))
        }
    }
}
