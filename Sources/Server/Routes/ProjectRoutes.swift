import Hummingbird
import Settings

/// Projects: `POST/GET /api/projects`, `GET/DELETE /api/projects/{project}`.
enum ProjectRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.post("/api/projects") { request, _ in
            let body = try await JSONBody.decode(CreateProject.self, from: request)
            let project = try await services.projects.create(
                name: body.name, channels: body.channels, classes: body.classes, settings: body.settings)
            return JSONBody.response(ProjectDTO(project), status: .created)
        }
        router.get("/api/projects") { _, _ in
            JSONBody.response(try await services.projects.projects().map(ProjectDTO.init))
        }
        router.get("/api/projects/{project}") { _, context in
            JSONBody.response(
                ProjectDTO(try await services.projects.project(try context.id("project", kind: "project"))))
        }
        router.delete("/api/projects/{project}") { _, context in
            try await services.projects.delete(try context.id("project", kind: "project"))
            return Response(status: .noContent)
        }
    }
}
