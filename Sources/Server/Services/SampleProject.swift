import Accounts
import Foundation
import ImageFormats
import Scribbles
import Settings
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
    var settings: TrainingSettings?
    var images: [Entry]

    /// The manifest at `url`.
    ///
    /// - Throws: `ServiceError.unacceptable` when it cannot be read or decoded.
    static func load(_ url: URL) throws -> SampleProject {
        do {
            return try JSONDecoder().decode(SampleProject.self, from: try Data(contentsOf: url))
        } catch {
            throw ServiceError.unacceptable("the sample manifest \(url.lastPathComponent) cannot be read: \(error)")
        }
    }

    /// Creates the project described at `url` unless a project of the same name exists; returns its id.
    /// With accounts, the first administrator owns it.
    static func install(manifest url: URL, services: ServerServices) async throws -> String {
        let sample = try load(url)
        if let existing = try await services.store.projects().first(where: { $0.name == sample.name }) {
            return existing.id
        }
        // Owned by the first administrator when there are accounts (else nobody could see it); by the local owner
        // in single-user mode (the first administrator takes it over later).
        let firstAdmin = try await services.store.users().filter(\.isAdmin).min { $0.createdAt < $1.createdAt }
        let owner =
            firstAdmin.map {
                Identity(userID: $0.id, name: $0.name, isAdmin: true, credential: .token(id: "sample installation"))
            } ?? .localOwner
        let project = try await services.projects.create(
            name: sample.name, channels: sample.channels, classes: sample.classes, settings: sample.settings,
            owner: owner)
        let folder = url.deletingLastPathComponent()
        for entry in sample.images {
            let data = try Data(contentsOf: folder.appendingPathComponent(entry.file))
            let (checked, bytes) = try ImageLibrary.checked(UploadedFile(name: entry.file, data: data), for: project)
            let record = try await services.images.store(checked, bytes)
            guard let labelsFile = entry.scribblesFromLabels else { continue }
            let labels = try ImageFormats.readLabels(folder.appendingPathComponent(labelsFile))
            let generator = ScribbleGenerator(budget: .fraction(entry.fraction ?? 0.2), seed: entry.seed ?? 43)
            _ = try await services.scribbles.save(try generator.scribbles(for: labels), for: record, expectedVersion: 0)
        }
        return project.id
    }
}
