import Foundation
import ImageFormats
import Scribbles
import Storage

/// A project described by a manifest (`Samples/sample-project.json`): name, channels, classes, settings and
/// image files, each optionally with scribbles generated from a label image (METHOD §2), so a newcomer can press
/// Train at once. Paths are relative to the manifest.
struct SampleProject: Decodable {
    struct Entry: Decodable {
        var file: String
        var scribblesFromLabels: String?
        var fraction: Double?
        var seed: UInt64?
    }

    var name: String
    var channels: [String]
    var classes: [String]?
    var settings: TrainingSettingsRecord?
    var images: [Entry]

    /// Creates the project in `store` unless a project of the same name exists; returns its id.
    static func install(manifest url: URL, store: any Store, blobs: BlobStore) async throws -> String {
        let sample: SampleProject
        do {
            sample = try JSONBody.decoder.decode(SampleProject.self, from: try Data(contentsOf: url))
        } catch {
            throw ServerError.unprocessable("the sample manifest \(url.path) cannot be read: \(error)")
        }
        if let existing = try await store.projects().first(where: { $0.name == sample.name }) { return existing.id }
        let project = try ProjectRoutes.validated(
            CreateProject(name: sample.name, channels: sample.channels, classes: sample.classes, settings: sample.settings))
        try await store.insert(project)
        let folder = url.deletingLastPathComponent()
        for entry in sample.images {
            let data = try Data(contentsOf: folder.appendingPathComponent(entry.file))
            let (checked, bytes) = try ImageRoutes.ingest(entry.file, data, project: project)
            let record = try await ImageRoutes.store(checked, bytes, store: store, blobs: blobs)
            guard let labelsFile = entry.scribblesFromLabels else { continue }
            let labels = try ImageFormats.readLabels(folder.appendingPathComponent(labelsFile))
            let scribbles = try ScribbleGenerator(budget: .fraction(entry.fraction ?? 0.2), seed: entry.seed ?? 43).scribbles(for: labels)
            _ = try await ScribbleRoutes.save(scribbles, for: record, expectedVersion: 0, store: store, blobs: blobs)
        }
        return project.id
    }
}
