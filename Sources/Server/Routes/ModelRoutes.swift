import Foundation
import Hummingbird

/// Model versions: list, metadata, download and upload (safetensors written by CellScribe).
enum ModelRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, uploads: UploadSpool) {
        router.get("/api/projects/{project}/models") { _, context in
            let models = try await services.models.models(in: try context.id("project", kind: "project"))
            return JSONBody.response(models.map(ModelDTO.init))
        }
        router.get("/api/models/{model}") { _, context in
            JSONBody.response(ModelDTO(try await services.models.model(try context.id("model", kind: "model"))))
        }
        router.get("/api/models/{model}/file") { _, context in
            let record = try await services.models.model(try context.id("model", kind: "model"))
            return BinaryBody.response(
                try await services.models.file(of: record), contentType: "application/octet-stream",
                filename: "model-v\(record.version).safetensors")
        }
        router.post("/api/projects/{project}/models") { request, context in
            let projectID = try context.id("project", kind: "project")
            let data = try await uploads.body(of: request)
            let record = try await services.models.importUploaded(data, projectID: projectID)
            return JSONBody.response(ModelDTO(record), status: .created)
        }
    }
}
