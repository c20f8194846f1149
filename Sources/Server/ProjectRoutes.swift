import Foundation
import Hummingbird
import Storage

/// Projects: `POST/GET /api/projects`, `GET/DELETE /api/projects/{project}`.
enum ProjectRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.post("/api/projects") { request, _ in
            let body = try await JSONBody.decode(CreateProject.self, from: request)
            let project = try validated(body)
            try await server.store.insert(project)
            return JSONBody.response(ProjectDTO(project), status: .created)
        }
        router.get("/api/projects") { _, _ in
            JSONBody.response(try await server.store.projects().map(ProjectDTO.init))
        }
        router.get("/api/projects/{project}") { _, context in
            let id = try ServerContext.id(context.parameters.get("project"), kind: "project")
            return JSONBody.response(ProjectDTO(try await server.store.project(id)))
        }
        router.delete("/api/projects/{project}") { _, context in
            let id = try ServerContext.id(context.parameters.get("project"), kind: "project")
            let jobs = try await server.store.jobs(in: id)
            for job in jobs where !job.state.isFinal { _ = try await server.jobs.stop(job.id) }
            try await server.store.deleteProject(id)
            server.blobs.remove("projects/\(id)")
            return Response(status: .noContent)
        }
    }

    /// The project a creation request describes, or a 422 naming what is wrong.
    static func validated(_ body: CreateProject) throws -> ProjectRecord {
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw ServerError.unprocessable("a project needs a name of 1 to 200 characters") }
        guard (1...16).contains(body.channels.count) else {
            throw ServerError.unprocessable("a project has 1 to 16 channels, not \(body.channels.count)")
        }
        let classes = body.classes ?? ["cell"]
        guard (1...254).contains(classes.count) else {
            throw ServerError.unprocessable("a project has 1 to 254 foreground classes, not \(classes.count)")
        }
        let settings = body.settings ?? TrainingSettingsRecord()
        try JobSettings.validate(settings)
        return ProjectRecord(name: name, channelNames: body.channels, classNames: classes, settings: settings)
    }
}
