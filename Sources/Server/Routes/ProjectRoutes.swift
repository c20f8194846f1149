import Hummingbird
import Settings

/// Projects: `POST/GET /api/projects`, `GET/DELETE /api/projects/{project}`. A user lists and opens only the
/// projects they belong to; creating one makes them its owner.
enum ProjectRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.post("/api/projects") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(CreateProject.self, from: request)
            let project = try await services.projects.create(
                name: body.name, channels: body.channels, classes: body.classes, settings: body.settings,
                owner: identity)
            await context.audit(.projectCreate, project: project.id, detail: project.name, in: services)
            return JSONBody.response(ProjectDTO(project, role: .owner), status: .created)
        }
        router.get("/api/projects") { _, context in
            let visible = try await services.access.projects(for: context.requireIdentity())
            return JSONBody.response(visible.map { ProjectDTO($0.project, role: $0.role) })
        }
        router.get("/api/projects/{project}") { _, context in
            let project = try await context.project(to: .view, in: services)
            let role = try await services.access.role(of: context.requireIdentity(), in: project.id)
            return JSONBody.response(ProjectDTO(project, role: role))
        }
        router.delete("/api/projects/{project}") { _, context in
            let project = try await context.project(to: .manage, in: services)
            try await services.projects.delete(project.id)
            // With the account changes: the project's own log cannot be read once it is gone.
            await context.audit(.projectDelete, project: nil, object: project.id, detail: project.name, in: services)
            return Response(status: .noContent)
        }
    }
}
