import Foundation
import Settings
import Storage
import Training

/// Everything a training job needs, prepared before the trainer starts: the scribbles frozen at the job's
/// first start (so edits during training do not change what it learns, and a resumed job learns the same),
/// the dataset entries, the trainer's options, and where to start from.
struct TrainingPlan: Sendable {
    var job: JobRecord
    var options: TrainingOptions
    var entries: [DatasetEntry]
    /// Image id → checksum of the frozen scribbles.
    var snapshot: [String: String]
    /// The project's images by id (for previews).
    var images: [String: ImageRecord]
    var outputPath: String
    var outputURL: URL
    /// The parent model's file (fine-tuning), or nil.
    var startURL: URL?
    /// Whether a checkpoint of an earlier attempt exists to continue from.
    var resumes: Bool

    static func prepare(
        _ job: JobRecord, store: any Store, blobs: BlobStore, maxSeconds: Double
    ) async throws -> TrainingPlan {
        let images = try await store.images(in: job.projectID)
        let byID = Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0) })
        let snapshotPath = "\(job.workPath)/snapshot.json"
        let snapshot: [String: String]
        if blobs.exists(snapshotPath) {
            snapshot = try await offloaded {
                try JSONDecoder().decode([String: String].self, from: try blobs.read(snapshotPath))
            }
        } else {
            let scribbled = images.filter(\.isScribbled)
            guard !scribbled.isEmpty else {
                throw ServiceError.unacceptable(
                    "no image of the project has scribbles yet: scribble some cells and background first")
            }
            let workPath = job.workPath
            snapshot = try await offloaded {
                var copies: [String: String] = [:]
                for image in scribbled {
                    let data = try blobs.read(image.scribblePath!, checksum: image.scribbleChecksum)
                    copies[image.id] = try blobs.write(data, to: "\(workPath)/scribbles/\(image.id).tif")
                }
                try blobs.write(try JSONEncoder().encode(copies), to: snapshotPath)
                return copies
            }
        }
        let entries = try snapshot.keys.sorted().map { id -> DatasetEntry in
            guard let image = byID[id] else {
                throw ServiceError.unacceptable(
                    "image \(id), scribbled when the job started, was deleted; start a new job")
            }
            return DatasetEntry(
                stem: id, image: blobs.url(image.path), labels: blobs.url("\(job.workPath)/scribbles/\(id).tif"))
        }
        let depths = Set(entries.map { byID[$0.stem]!.depth > 1 })
        guard depths.count == 1 else {
            throw ServiceError.unacceptable(
                "the scribbled images mix 2D images and 3D stacks; scribble only one kind per project")
        }
        let options = job.settings.trainingOptions(dimensions: depths.first == true ? 3 : 2, maxSeconds: maxSeconds)
        var startURL: URL?
        if let parentID = job.parentModelID {
            let parent = try await store.model(parentID)
            _ = try await offloaded { try blobs.read(parent.path, checksum: parent.checksum) }
            startURL = blobs.url(parent.path)
        }
        let outputPath = JobFiles.model(of: job)
        let outputURL = blobs.url(outputPath)
        return TrainingPlan(
            job: job, options: options, entries: entries, snapshot: snapshot, images: byID, outputPath: outputPath,
            outputURL: outputURL, startURL: startURL,
            resumes: Trainer.hasCheckpoint(for: outputURL))
    }

    /// Removes the checkpoint files once the model is stored (they are several times its size).
    func removeCheckpoints() {
        for url in Trainer.checkpointFiles(for: outputURL) { try? FileManager.default.removeItem(at: url) }
    }
}
