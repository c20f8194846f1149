import Foundation
import ImageFormats
import Imaging
import Settings
import Storage
import TestSupport
import Testing

@testable import Server

@Suite struct RequestRateLimiterTests {
    @Test func aClientGetsItsBurstThenItsRate() {
        let limiter = RequestRateLimiter(perMinute: 60, burst: 3)
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.admit("10.0.0.1", now: start) == nil) }
        #expect(limiter.admit("10.0.0.1", now: start) == 1)
        // Another client has its own bucket; a second later one more request is allowed.
        #expect(limiter.admit("10.0.0.2", now: start) == nil)
        #expect(limiter.admit("10.0.0.1", now: start + .seconds(1)) == nil)
        #expect(limiter.admit("10.0.0.1", now: start + .seconds(1)) != nil)
        #expect(RequestRateLimiter(perMinute: 0, burst: 1).admit("x") == nil)
    }

    @Test func quietClientsAreForgottenSoMemoryStaysBounded() {
        let limiter = RequestRateLimiter(perMinute: 60, burst: 1, maxClients: 100)
        let start = ContinuousClock.now
        for n in 0..<1000 { _ = limiter.admit("client-\(n)", now: start + .milliseconds(n)) }
        // The newest clients are still tracked (refused), the oldest forgotten (a fresh bucket admits them).
        #expect(limiter.admit("client-999", now: start + .milliseconds(1000)) != nil)
        #expect(limiter.admit("client-0", now: start + .milliseconds(1000)) == nil)
    }
}

@Suite struct WorkLimitTests {
    @Test func predictionsBeyondTheQueueAreRefusedWithRetryAfter() async throws {
        var fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        var configuration = fixture.services.configuration
        configuration.limits.maxQueuedPredictions = 0
        fixture = try ServiceFixture(configuration: configuration)
        let project = try await fixture.project()
        let data = try Fixtures.data(Fixtures.nucleiImage)
        let images = try await fixture.services.images.upload(
            (0..<4).map { UploadedFile(name: "n\($0).png", data: data) }, to: project.id)
        _ = try await fixture.tinyModel(in: project)
        let predictions = fixture.services.predictions
        let outcomes = await withTaskGroup(of: String.self) { group in
            for image in images {
                group.addTask {
                    do {
                        _ = try await predictions.prediction(of: image, model: .latest)
                        return "predicted"
                    } catch ServiceError.busy(_, let seconds) where seconds > 0 {
                        return "busy"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        // One runs; the others, arriving while it runs, are told to come back; nothing fails otherwise.
        #expect(outcomes.contains("predicted") && outcomes.contains("busy"))
        #expect(outcomes.allSatisfy { $0 == "predicted" || $0 == "busy" }, "\(outcomes)")
        #expect(fixture.services.inference.pendingCount == 0)
        let mapped = ServerError(mapping: ServiceError.busy("full", retryAfterSeconds: 5))
        #expect(mapped.status == .serviceUnavailable && mapped.retryAfterSeconds == 5)
    }

    @Test func noJobTrainsLongerThanTheServerAllows() async throws {
        #expect(TrainingSettings(epochs: 5).trainingOptions(dimensions: 2, maxSeconds: 600).timeBudgetSeconds == 600)
        #expect(
            TrainingSettings(timeBudgetSeconds: 30).trainingOptions(dimensions: 2, maxSeconds: 600).timeBudgetSeconds
                == 30)
        #expect(TrainingSettings().trainingOptions(dimensions: 2, maxSeconds: 600).timeBudgetSeconds == 60)
        #expect(
            TrainingSettings(patchSize: 64).trainingOptions(dimensions: 3, maxSeconds: 600).patchShape == [16, 64, 64])
        var configuration = ServerConfiguration(dataFolder: FileManager.default.temporaryDirectory)
        configuration.limits.maxTrainingSeconds = 600
        let fixture = try ServiceFixture(configuration: configuration)
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        _ = try await fixture.scribbleNuclei(try await fixture.nucleiImage(in: project))
        await #expect {
            try await fixture.services.jobs.start(in: project.id, requested: TrainingSettings(timeBudgetSeconds: 601))
        } throws: { error in
            isServiceError(error) {
                if case .unacceptable(_, let field) = $0 { field == "timeBudgetSeconds" } else { false }
            }
        }
        // A batch of patches that would not fit the server's memory is refused before it is queued.
        var small = configuration
        small.limits.trainingMemoryBytes = 1 << 30
        let tight = try ServiceFixture(configuration: small)
        defer { tight.removeFiles() }
        let other = try await tight.project()
        _ = try await tight.scribbleNuclei(try await tight.nucleiImage(in: other))
        await #expect {
            try await tight.services.jobs.start(
                in: other.id, requested: TrainingSettings(patchSize: 512, batchSize: 64))
        } throws: { error in
            let message = ServerError(mapping: error)
            return message.field == "batchSize" && message.message.contains("of memory")
        }
        #expect(try await tight.services.jobs.jobs(in: other.id).isEmpty)
    }

    @Test func scribblesLargerThanTheirImageAreRefusedBeforeDecoding() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let image = try await fixture.nucleiImage(in: try await fixture.project())
        // A valid, highly compressible PNG of 4096x4096 zeros: 16x the image's pixels.
        let bomb = try ImageFormats.encode(
            try LabelImage(shape: [4096, 4096], labels: [UInt32](repeating: 0, count: 4096 * 4096)), format: .png)
        await #expect {
            try await fixture.services.scribbles.save(bomb, imageID: image.id, expectedVersion: 0)
        } throws: { error in
            if case ImageFormatsError.tooLarge = error { true } else { false }
        }
    }
}
