import Foundation
import Hummingbird

/// Model versions: list, metadata, download and upload (safetensors written by CellScribe).
enum ModelRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, uploads: UploadSpool) {
        router.get("/api/projects/{project}/models") { _, context in
            let models = try await services.models.models(in: try await context.project(to: .view, in: services).id)
            return JSONBody.response(models.map(ModelDTO.init))
        }
        router.get("/api/models/{model}") { _, context in
            JSONBody.response(ModelDTO(try await context.model(to: .view, in: services)))
        }
        router.get("/api/models/{model}/file") { _, context in
            let record = try await context.model(to: .view, in: services)
            return BinaryBody.response(
                try await services.models.file(of: record), contentType: "application/octet-stream",
                filename: "model-v\(record.version).safetensors")
        }
        router.post("/api/projects/{project}/models") { request, context in
            let project = try await context.project(to: .annotate, in: services)
            let data = try await uploads.body(of: request)
            let record = try await services.models.importUploaded(data, projectID: project.id)
            await context.audit(
                .modelImport, project: project.id, object: record.id, detail: "version \(record.version)", in: services)
            return JSONBody.response(ModelDTO(record), status: .created)
        }
    }
}
