import Foundation
import Hummingbird
import Storage
import Training

/// Model versions: list, metadata, download and upload (safetensors written by CellScribe).
enum ModelRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.get("/api/projects/{project}/models") { _, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            return JSONBody.response(try await server.store.models(in: projectID).map(ModelDTO.init))
        }
        router.get("/api/models/{model}") { _, context in
            JSONBody.response(ModelDTO(try await model(context, server)))
        }
        router.get("/api/models/{model}/file") { _, context in
            let record = try await model(context, server)
            let data = try server.blobs.read(record.path, checksum: record.checksum)
            return BinaryBody.response(data, contentType: "application/octet-stream", filename: "model-v\(record.version).safetensors")
        }
        router.post("/api/projects/{project}/models") { request, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            let project = try await server.store.project(projectID)
            let data = try await request.bodyData(limit: server.configuration.maxUploadBytes)
            guard !data.isEmpty else { throw ServerError.badRequest("the model upload is empty") }
            // It must load, and fit the project's channels, before anything is stored.
            let info: SegmentationModelInfo
            do {
                info = try await offloaded { try SegmentationModel(data: data, source: "the uploaded model").info }
            } catch {
                throw ServerError.unprocessable("the upload is not a CellScribe model: \(ServerError(mapping: error).message)")
            }
            guard info.input.channels == project.channelNames.count else {
                throw ServerError.unprocessable(
                    "the model takes \(info.input.channels) channels; the project has \(project.channelNames.count)")
            }
            let modelID = StoreIDs.make()
            let path = "projects/\(projectID)/models/\(modelID).safetensors"
            let checksum = try server.blobs.write(data, to: path)
            let record = try await server.store.insertNextVersion(ModelRecord(
                id: modelID, projectID: projectID, version: 0, parentID: nil, jobID: nil, path: path, checksum: checksum,
                byteCount: data.count, metrics: [:], settings: TrainingSettingsRecord(), scribbleSnapshot: [:]))
            return JSONBody.response(ModelDTO(record), status: .created)
        }
    }

    static func model(_ context: BasicRequestContext, _ server: ServerContext) async throws -> ModelRecord {
        try await server.store.model(try ServerContext.id(context.parameters.get("model"), kind: "model"))
    }
}
