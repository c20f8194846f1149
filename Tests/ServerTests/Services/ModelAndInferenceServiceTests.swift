import Foundation
import Settings
import Storage
import TestSupport
import Testing

@testable import Server

@Suite struct ModelReferenceTests {
    @Test func referencesAreParsedInOnePlace() throws {
        #expect(try ModelReference(parsing: nil) == .latest)
        #expect(try ModelReference(parsing: "latest") == .latest)
        #expect(try ModelReference(parsing: "job:00000000000000ab") == .job("00000000000000ab"))
        #expect(try ModelReference(parsing: "00000000000000ab") == .model("00000000000000ab"))
        #expect(ModelReference.job("00000000000000ab").description == "job:00000000000000ab")
        for bad in ["job:", "job:../x", "ABC", "", "00000000000000AB"] {
            #expect(throws: ServiceError.self) { try ModelReference(parsing: bad) }
        }
    }
}

@Suite struct ModelCatalogTests {
    @Test func referencesResolveToTheRightFiles() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let catalog = fixture.services.models
        await #expect {
            try await catalog.resolve(.latest, projectID: project.id)
        } throws: { error in isServiceError(error) { if case .notReady = $0 { true } else { false } } }
        let first = try await fixture.tinyModel(in: project)
        let second = try await fixture.tinyModel(in: project)
        #expect(first.version == 1 && second.version == 2)
        #expect(try await catalog.resolve(.latest, projectID: project.id).key == second.id)
        #expect(try await catalog.resolve(.model(first.id), projectID: project.id).path == first.path)
        let other = try await fixture.project()
        await #expect {
            try await catalog.resolve(.model(first.id), projectID: other.id)
        } throws: { error in
            // Worded as for a model that does not exist.
            (error as? StorageError) == .notFound(kind: "model", id: first.id)
        }
        // A queued job has no weights yet.
        let job = JobRecord(projectID: project.id, settings: TrainingSettings(epochs: 1), parentModelID: nil)
        try await fixture.services.store.enqueue(job)
        await #expect {
            try await catalog.resolve(.job(job.id), projectID: project.id)
        } throws: { error in isServiceError(error) { if case .notReady = $0 { true } else { false } } }
    }

    @Test func uploadsMustBeModelsForTheProjectsChannels() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project(channels: ["a", "b"])
        await #expect {
            try await fixture.services.models.importUploaded(Data("junk".utf8), projectID: project.id)
        } throws: { error in
            isServiceError(error) {
                if case .unacceptable(let text, _) = $0 { text.contains("not a CellScribe model") } else { false }
            }
        }
        await #expect {
            _ = try await fixture.tinyModel(in: project, channels: 1)
        } throws: { error in
            isServiceError(error) {
                if case .unacceptable(let text, _) = $0 { text.contains("takes 1 channels") } else { false }
            }
        }
        #expect(try await fixture.services.models.models(in: project.id).isEmpty)
    }
}

@Suite struct InferenceAndActiveLearningTests {
    @Test func predictionsAreCachedRecordedAndSummarised() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let image = try await fixture.nucleiImage(in: project)
        let model = try await fixture.tinyModel(in: project)
        let services = fixture.services
        let result = try await services.predictions.prediction(of: image, model: .latest)
        #expect(result.shape == [256, 256] && result.modelKey == model.id)
        #expect(result.probabilities.count == 3 * 256 * 256 && result.entropy.count == 256 * 256)
        #expect(result.meanEntropy > 0 && result.meanEntropy <= log(2.0) + 1e-6)
        #expect(try await services.images.image(image.id).predictedModelID == model.id)
        #expect(services.inference.cached(image: image, modelKey: model.id) != nil)
        let regions = try await services.predictions.uncertainRegions(
            imageID: image.id, model: .latest, count: 3, size: 64)
        #expect(regions.count == 3 && regions.map(\.meanUncertainty) == regions.map(\.meanUncertainty).sorted(by: >))
        let answer = try await services.predictions.summary(
            imageID: image.id, model: .model(model.id), threshold: 0.5, regionCount: 2, regionSize: 32, outlines: true)
        let summary = answer.summary
        #expect(summary.threshold == 0.5 && summary.regions.count == 2)
        #expect(summary.labels.instanceCount > 0 && summary.outlines?.count == summary.labels.instanceCount)
        let exports = services.exports
        let file = try await services.predictions.map(
            .labelsTIFF, imageID: image.id, model: .latest, threshold: nil, z: 0)
        #expect(file.filename == "nuclei_labels.tif" && !file.data.isEmpty)
        for map in PredictionMap.allCases {
            let data = try exports.render(map, of: result, threshold: nil, z: 0, image: image, project: project)
            #expect(!data.isEmpty, "\(map.rawValue)")
        }
        #expect(throws: ServiceError.self) {
            try exports.render(.foregroundPNG, of: result, threshold: nil, z: 1, image: image, project: project)
        }
    }

    @Test func theNextImageFollowsTheStrategy() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let learning = fixture.services.activeLearning
        await #expect {
            try await learning.nextImage(in: project.id, strategy: .first, excluding: [], model: .latest)
        } throws: { error in isServiceError(error) { if case .notFound = $0 { true } else { false } } }
        let first = try await fixture.nucleiImage(in: project)
        let otherNuclei = UploadedFile(name: "other.png", data: try Fixtures.data("dsb/heldout/images/9586e48a.png"))
        let second = try await fixture.services.images.upload([otherNuclei], to: project.id)[0]
        #expect(
            try await learning.nextImage(in: project.id, strategy: .first, excluding: [], model: .latest).image.id
                == first.id)
        #expect(
            try await learning.nextImage(in: project.id, strategy: .last, excluding: [], model: .latest).image.id
                == second.id)
        let excluded = try await learning.nextImage(
            in: project.id, strategy: .first, excluding: [first.id], model: .latest)
        #expect(excluded.image.id == second.id)
        await #expect {
            try await learning.nextImage(in: project.id, strategy: .uncertainty, excluding: [], model: .latest)
        } throws: { error in isServiceError(error) { if case .notReady = $0 { true } else { false } } }
        _ = try await fixture.tinyModel(in: project)
        let suggestion = try await learning.nextImage(
            in: project.id, strategy: .uncertainty, excluding: [], model: .latest)
        // Both images were predicted; the one the model is least sure of is suggested, with its regions.
        let entropies = try await fixture.services.images.images(in: project.id).map {
            ($0.id, try #require($0.meanEntropy))
        }
        #expect(entropies[0].1 != entropies[1].1)
        #expect(suggestion.image.id == entropies.max { $0.1 < $1.1 }?.0)
        #expect(suggestion.meanEntropy == entropies.map(\.1).max() && suggestion.regions?.count == 3)
    }
}

@Suite struct NextImageRankingTests {
    @Test func rankingDoesNotWaitForEveryPredictionAndLaterAnswersRankMore() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let data = try Fixtures.data(Fixtures.nucleiImage)
        let count = ActiveLearning.synchronousPredictions + 2
        _ = try await fixture.services.images.upload(
            (0..<count).map { UploadedFile(name: "n\($0).png", data: data) }, to: project.id)
        _ = try await fixture.tinyModel(in: project)
        let learning = fixture.services.activeLearning
        let first = try await learning.nextImage(in: project.id, strategy: .uncertainty, excluding: [], model: .latest)
        #expect(first.rankedImages == ActiveLearning.synchronousPredictions && first.pendingImages == 2)
        // The rest are predicted in the background; then every image is ranked, without new predictions.
        var waited = 0
        while try await fixture.services.images.images(in: project.id).contains(where: { $0.meanEntropy == nil }),
            waited < 600
        {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        let later = try await learning.nextImage(in: project.id, strategy: .uncertainty, excluding: [], model: .latest)
        #expect(later.rankedImages == count && later.pendingImages == 0)
    }
}
