import Foundation
import Settings
import Storage
import Training

/// A project's model versions: listing, files, uploads, the versions training jobs register, and which stored
/// file a `ModelReference` names.
struct ModelCatalog: Sendable {
    let store: any Store
    let blobs: BlobStore

    func models(in projectID: String) async throws -> [ModelRecord] {
        _ = try await store.project(projectID)
        return try await store.models(in: projectID)
    }

    func model(_ id: String) async throws -> ModelRecord { try await store.model(id) }

    /// The model file, checked against its checksum.
    func file(of record: ModelRecord) async throws -> Data {
        try await offloaded { [blobs] in try blobs.read(record.path, checksum: record.checksum) }
    }

    /// What the model is: task, input channels, classes (read from its file).
    func info(of record: ModelRecord) async throws -> SegmentationModelInfo {
        let data = try await file(of: record)
        return try await offloaded { try SegmentationModel(data: data, source: "model version \(record.version)").info }
    }

    /// The file `reference` names for a prediction in project `projectID`.
    ///
    /// - Throws: `ServiceError.notReady` when the project has no model yet or the job has not finished an epoch;
    ///   `StorageError.notFound` for a job or model of another project, worded as for one that does not exist.
    func resolve(_ reference: ModelReference, projectID: String) async throws -> ResolvedModel {
        switch reference {
        case .latest:
            guard let latest = try await store.models(in: projectID).first else {
                throw ServiceError.notReady("the project has no model yet: train one first")
            }
            return ResolvedModel(key: latest.id, path: latest.path, checksum: latest.checksum)
        case .job(let id):
            let job = try await store.job(id)
            guard job.projectID == projectID else {
                throw StorageError.notFound(kind: "job", id: id)
            }
            if let modelID = job.modelID, job.state.isFinal {
                let model = try await store.model(modelID)
                return ResolvedModel(key: model.id, path: model.path, checksum: model.checksum)
            }
            let path = JobFiles.model(of: job)
            guard blobs.exists(path) else {
                throw ServiceError.notReady("job \(job.id) has not finished an epoch yet; try again in a moment")
            }
            return ResolvedModel(key: reference.description, path: path, checksum: nil)
        case .model(let id):
            let model = try await store.model(id)
            guard model.projectID == projectID else {
                throw StorageError.notFound(kind: "model", id: id)
            }
            return ResolvedModel(key: model.id, path: model.path, checksum: model.checksum)
        }
    }

    /// Stores an uploaded model file as the project's next version, after checking that it loads and takes the
    /// project's channels.
    func importUploaded(_ data: Data, projectID: String) async throws -> ModelRecord {
        let project = try await store.project(projectID)
        guard !data.isEmpty else { throw ServiceError.malformed("the model upload is empty") }
        let info: SegmentationModelInfo
        do {
            info = try await offloaded { try SegmentationModel(data: data, source: "the uploaded model").info }
        } catch {
            throw ServiceError.unacceptable("the upload is not a CellScribe model: \(ClientMessage.text(for: error))")
        }
        guard info.input.channels == project.channelNames.count else {
            throw ServiceError.unacceptable(
                "the model takes \(info.input.channels) channels; the project has \(project.channelNames.count)")
        }
        let modelID = StoreIDs.make()
        let path = Self.path(projectID: projectID, modelID: modelID)
        let checksum = try await offloaded { [blobs] in try blobs.write(data, to: path) }
        return try await store.insertNextVersion(
            ModelRecord(
                id: modelID, projectID: projectID, version: 0, parentID: nil, jobID: nil, path: path,
                checksum: checksum,
                byteCount: data.count, metrics: [:], settings: TrainingSettings(), scribbleSnapshot: [:]))
    }

    /// Stores a job's trained model file as the project's next version.
    func registerTrained(
        file: URL, job: JobRecord, metrics: [String: Double], scribbleSnapshot: [String: String]
    ) async throws -> ModelRecord {
        let modelID = StoreIDs.make()
        let path = Self.path(projectID: job.projectID, modelID: modelID)
        let (checksum, size) = try await offloaded { [blobs] in
            let checksum = try blobs.importFile(file, to: path)
            return (
                checksum, (try? FileManager.default.attributesOfItem(atPath: blobs.url(path).path)[.size] as? Int) ?? 0
            )
        }
        return try await store.insertNextVersion(
            ModelRecord(
                id: modelID, projectID: job.projectID, version: 0, parentID: job.parentModelID, jobID: job.id,
                path: path,
                checksum: checksum, byteCount: size, metrics: metrics, settings: job.settings,
                scribbleSnapshot: scribbleSnapshot))
    }

    static func path(projectID: String, modelID: String) -> String {
        "projects/\(projectID)/models/\(modelID).safetensors"
    }
}
