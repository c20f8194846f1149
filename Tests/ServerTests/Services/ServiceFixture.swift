import Foundation
import ImageFormats
import Logging
import Networks
import Scribbles
import Settings
import Storage
import TestSupport
import Training

@testable import Server

/// The services of a server over an in-memory database and a temporary data folder, without HTTP.
struct ServiceFixture {
    let services: ServerServices
    let folder: URL

    /// Helpers over existing services and their data folder.
    init(services: ServerServices, folder: URL) {
        self.services = services
        self.folder = folder
    }

    /// Services over `configuration` (its data folder replaced by a fresh temporary one).
    init(configuration base: ServerConfiguration? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-services-\(UUID().uuidString)")
        var configuration = base ?? ServerConfiguration(dataFolder: folder)
        configuration.dataFolder = folder
        if base == nil { configuration.uncertaintyPasses = 2 }
        services = try ServerServices(
            configuration: configuration, store: try SQLiteStore(), logger: Logger(label: "test"))
    }

    func removeFiles() { try? FileManager.default.removeItem(at: folder) }

    func project(channels: [String] = ["nuclei"], settings: TrainingSettings? = nil) async throws -> ProjectRecord {
        try await services.projects.create(
            name: "test", channels: channels, classes: nil, settings: settings, owner: .localOwner)
    }

    /// The 256x256 DSB nuclei crop, uploaded to `project`.
    func nucleiImage(in project: ProjectRecord) async throws -> ImageRecord {
        let file = UploadedFile(name: "nuclei.png", data: try Fixtures.data(Fixtures.nucleiImage))
        return try await services.images.upload([file], to: project.id)[0]
    }

    /// Scribbles generated from the fixture's labels (30% of the nuclei), saved as version 1.
    func scribbleNuclei(_ image: ImageRecord) async throws -> ImageRecord {
        let labels = try ImageFormats.readLabels(Fixtures.url(Fixtures.nucleiLabels))
        let scribbles = try ScribbleGenerator(budget: .fraction(0.3), seed: 43).scribbles(for: labels)
        return try await services.scribbles.save(scribbles, for: image, expectedVersion: 0)
    }

    /// A tiny untrained 1-channel instances model (dropout on, so Monte Carlo passes differ), uploaded to `project`.
    func tinyModel(in project: ProjectRecord, channels: Int = 1) async throws -> ModelRecord {
        let network = try UNet(
            UNetConfiguration(inputChannels: channels, outputChannels: 3, widths: [4, 8], dropout: 0.3), seed: 5)
        let info = SegmentationModelInfo(
            task: .instances, input: InputPreparation(channels: channels), classCount: 3, patchShape: [32, 32])
        let url = folder.appendingPathComponent("tiny-\(UUID().uuidString).safetensors")
        try SegmentationModel(network: network, info: info).write(to: url)
        return try await services.models.importUploaded(try Data(contentsOf: url), projectID: project.id)
    }
}

/// Whether `error` is the service error `expected` names, ignoring the message.
func isServiceError(_ error: any Error, _ expected: (ServiceError) -> Bool) -> Bool {
    (error as? ServiceError).map(expected) ?? false
}
