import Foundation
import ImageFormats
import Settings
import Storage
import Testing
import Training

@testable import Server

@Suite struct RenditionServiceTests {
    @Test func tilesCoverThePyramidAndHugeIndicesAreRefusedNotMultiplied() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let image = try await fixture.nucleiImage(in: try await fixture.project())
        let renditions = fixture.services.renditions
        #expect(RenditionService.levelCount(height: 256, width: 256) == 1)
        #expect(RenditionService.levelCount(height: 1000, width: 300) == 3)
        let tile = try ImageFormats.decode(
            try renditions.tile(of: image, level: 0, row: 0, column: 0, channel: nil, z: 0), source: "tile")
        #expect(try tile.image().shape == [1, 256, 256])
        for (level, row, column) in [(0, 1, 0), (0, 0, 1), (1, 0, 0), (0, Int.max, 0), (0, 0, Int.max / 2 + 1)] {
            #expect(throws: ServiceError.self) {
                try renditions.tile(of: image, level: level, row: row, column: column, channel: nil, z: 0)
            }
        }
        #expect(throws: ServiceError.self) {
            try renditions.tile(of: image, level: 0, row: 0, column: 0, channel: 1, z: 0)
        }
        #expect(throws: ServiceError.self) { try renditions.preview(of: image, size: 64, channel: nil, z: 1) }
        let preview = try ImageFormats.decode(
            try renditions.preview(of: image, size: 64, channel: 0, z: 0), source: "preview")
        #expect(try preview.image().shape == [1, 64, 64])
    }
}

@Suite struct ProjectAndJobServiceTests {
    @Test(
        "project descriptions are checked field by field",
        arguments: [
            ("", ["a"], nil as [String]?, "name"), ("x", [], nil, "channels"),
            ("x", ["a"], [String](), "classes"),
        ])
    func badProjects(name: String, channels: [String], classes: [String]?, field: String) async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        await #expect {
            try await fixture.services.projects.create(
                name: name, channels: channels, classes: classes, settings: nil, owner: .localOwner)
        } throws: { error in
            isServiceError(error) { if case .unacceptable(_, let named) = $0 { named == field } else { false } }
        }
    }

    @Test func settingsOutOfRangeNameTheSetting() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        await #expect {
            try await fixture.services.projects.create(
                name: "x", channels: ["a"], classes: nil, settings: TrainingSettings(batchSize: 500),
                owner: .localOwner)
        } throws: { ($0 as? InvalidSetting)?.setting == .batchSize }
    }

    @Test func jobsNeedScribblesAndValidSettingsAndFineTuneTheLatestModel() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project(settings: TrainingSettings(timeBudgetSeconds: 30, learningRate: 0.002))
        let image = try await fixture.nucleiImage(in: project)
        let jobs = fixture.services.jobs
        await #expect {
            try await jobs.start(in: project.id, requested: TrainingSettings(epochs: 1))
        } throws: { error in isServiceError(error) { if case .unacceptable = $0 { true } else { false } } }
        _ = try await fixture.scribbleNuclei(image)
        await #expect {
            try await jobs.start(in: project.id, requested: TrainingSettings(patchSize: 600))
        } throws: { ($0 as? InvalidSetting)?.setting == .patchShape }
        let job = try await jobs.start(in: project.id, requested: TrainingSettings(epochs: 2))
        #expect(job.settings.epochs == 2 && job.settings.timeBudgetSeconds == nil && job.settings.learningRate == 0.002)
        #expect(job.parentModelID == nil)
        // The latest model was trained for another task: fine-tuning it is refused, a fresh start is not.
        let model = try await fixture.tinyModel(in: project)
        await #expect {
            try await jobs.start(in: project.id, requested: TrainingSettings())
        } throws: { error in
            isServiceError(error) { if case .unacceptable(_, let field) = $0 { field == "fineTune" } else { false } }
        }
        let fresh = try await jobs.start(in: project.id, requested: TrainingSettings(fineTune: false))
        #expect(fresh.parentModelID == nil && fresh.settings.timeBudgetSeconds == 30 && model.version == 1)
        // The runner is not running here: stopping a queued job ends it at once.
        #expect(try await jobs.stop(job.id).state == .stopped)
        #expect(try await jobs.jobs(in: project.id).count == 2)
    }

    @Test func deletingAProjectRemovesItsFolder() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let image = try await fixture.nucleiImage(in: project)
        let job = JobRecord(projectID: project.id, settings: TrainingSettings(epochs: 1), parentModelID: nil)
        try await fixture.services.store.enqueue(job)
        try fixture.services.blobs.write(Data([1]), to: "\(job.workPath)/snapshot.json")
        try await fixture.services.projects.delete(project.id)
        #expect(!fixture.services.blobs.exists(image.path) && !fixture.services.blobs.exists(job.workPath))
        #expect(try await fixture.services.store.projects().isEmpty)
    }
}

@Suite struct ErrorMappingTests {
    @Test func settingsAreNamedByTheirJSONField() {
        let error = ServerError(
            mapping: InvalidSetting(.patchShape, value: "600", allowed: "16 to 512"))
        #expect(error.status == .unprocessableContent && error.field == "patchSize")
        #expect(error.message == "patchSize must be 16 to 512, not 600")
    }

    @Test func internalFailuresDoNotLeakPaths() {
        let error = ServerError(
            mapping: StorageError.corruptBlob(path: "/secret/data/x.tif", expected: "a", found: "b"))
        #expect(error.status == .internalServerError && !error.message.contains("/secret"))
        let unknown = ServerError(
            mapping: CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: "/secret/x"]))
        #expect(!unknown.message.contains("/secret"))
    }

    @Test func serviceErrorsMapToTheirStatus() {
        #expect(ServerError(mapping: ServiceError.notFound("x")).status == .notFound)
        #expect(ServerError(mapping: ServiceError.malformed("x")).status == .badRequest)
        #expect(ServerError(mapping: ServiceError.notReady("x")).status == .conflict)
        #expect(ServerError(mapping: ServiceError.staleVersion("x")).status == .preconditionFailed)
        #expect(ServerError(mapping: ServiceError.versionRequired("x")).status == .preconditionRequired)
        #expect(ServerError(mapping: ServiceError.unacceptable("x", field: "name")).field == "name")
    }

    @Test func folderNamesAreRemovedFromLibraryMessages() {
        #expect(
            ClientMessage.withoutFolders("model '/data/projects/ab/jobs/cd/model.safetensors': it was trained for x")
                == "model 'model.safetensors': it was trained for x")
        #expect(
            ClientMessage.withoutFolders("image (/tmp/a.tif) and /b/c/d.png, 1/2 of /x")
                == "image (a.tif) and d.png, 1/2 of /x")
        let message = ServerError(
            mapping: TrainingError.incompatibleModel(source: "/srv/data/m.safetensors", reason: "r"))
        #expect(message.message == "model 'm.safetensors': r" && message.status == .unprocessableContent)
    }

    @Test func contentDispositionNamesAreQuotedSafely() {
        let header = BinaryBody.contentDisposition(filename: "a\"b\\c\r\nd é.tif")
        #expect(!header.contains("\r") && !header.contains("\n"))
        #expect(header.hasPrefix("attachment; filename=\"a_b_c__d _.tif\"; filename*=UTF-8''"))
        #expect(header.hasSuffix("a%22b%5Cc%0D%0Ad%20%C3%A9.tif"))
    }
}
