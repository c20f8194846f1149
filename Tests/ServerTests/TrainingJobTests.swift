import Foundation
import Hummingbird
import HummingbirdTesting
import ImageFormats
import Storage
import Testing

@testable import Server

/// The annotate-train-predict loop through the API, with short real trainings on the DSB2018 fixture crop.
@Suite(.serialized) struct TrainingJobTests {
    static let shortJob = #"{"epochs": 1, "patchSize": 64, "batchSize": 2}"#

    @Test func trainPredictAndSuggestTheNextImage() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            let refused = try await client.json("/api/projects/\(project.id)/jobs", .post, body: Self.shortJob)
            #expect(
                refused.status == .unprocessableContent
                    && refused.errorMessage.contains("no image of the project has scribbles"))
            #expect(try await client.json("/api/images/\(image.id)/prediction").status == .conflict)

            try await client.scribbleNuclei(image.id)
            let created = try await client.json("/api/projects/\(project.id)/jobs", .post, body: Self.shortJob)
            #expect(created.status == .created, "\(created.text)")
            let job = try created.decoded(JobDTO.self)
            #expect(job.parentModelID == nil && job.settings.epochs == 1)
            // The event stream ends when the job does: its body holds the whole run.
            let events = try await client.json("/api/jobs/\(job.id)/events").text
            #expect(events.hasPrefix("event: state\n"))
            #expect(events.contains("event: epoch\n") && events.contains("event: finished\n"), "\(events.suffix(400))")

            let finished = try await client.waitForJob(job.id)
            #expect(finished.state == "finished", "\(finished.error ?? "")")
            #expect(finished.progress?.epoch == 1)
            let models = try await client.json("/api/projects/\(project.id)/models").decoded([ModelDTO].self)
            #expect(models.count == 1 && models[0].version == 1 && models[0].id == finished.modelID)
            #expect(models[0].scribbleSnapshot.keys.sorted() == [image.id])
            let file = try await client.json("/api/models/\(models[0].id)/file")
            #expect(file.data.count == models[0].byteCount)

            let prediction = try await client.json("/api/images/\(image.id)/prediction?outlines=true&regions=2")
            #expect(prediction.status == .ok, "\(prediction.text)")
            let summary = try prediction.decoded(PredictionDTO.self)
            #expect(summary.model == models[0].id && summary.regions.count == 2)
            #expect(summary.outlines?.count == summary.instances)
            #expect((summary.meanEntropy ?? -1) >= 0 && (summary.meanEntropy ?? 1) <= log(2.0) + 1e-6)
            let labels = try await client.json("/api/images/\(image.id)/prediction/labels.tif")
            #expect(
                try ImageFormats.decode(labels.data, source: "labels").labels().shape == [
                    image.shape.height, image.shape.width,
                ])
            let strict = try await client.json("/api/images/\(image.id)/prediction?threshold=0.999").decoded(
                PredictionDTO.self)
            #expect(strict.foregroundThreshold == 0.999 && strict.instances <= summary.instances)
            let heat = try await client.json("/api/images/\(image.id)/prediction/entropy.png")
            #expect(heat.headers[.contentType] == "image/png")
            #expect(try await client.json("/api/images/\(image.id)/prediction/nothing.bin").status == .notFound)
            let cells = try await client.json("/api/images/\(image.id)/prediction/measurements.csv").text
            #expect(cells.hasPrefix("label,area,centroid_y,centroid_x,mean_nuclei\n"))
            #expect(cells.split(separator: "\n").count == summary.instances + 1)
            let rois = try await client.json("/api/images/\(image.id)/prediction/labels.zip")
            #expect(
                try ImageFormats.decode(rois.data, source: "rois").labels(shape: [
                    image.shape.height, image.shape.width,
                ]).instanceCount
                    == summary.instances)

            let listed = try await client.json("/api/images/\(image.id)").decoded(ImageDTO.self)
            #expect(listed.status == "predicted" && listed.prediction?.modelID == models[0].id)
            let next = try await client.json("/api/projects/\(project.id)/next-image").decoded(NextImageDTO.self)
            #expect(
                next.image.id == image.id && next.strategy == "uncertainty" && next.meanEntropy == summary.meanEntropy)

            // A second job fine-tunes from the first model; stopping it keeps what it learnt so far.
            let second = try await client.json(
                "/api/projects/\(project.id)/jobs", .post, body: #"{"epochs": 50, "patchSize": 64, "batchSize": 2}"#
            )
            .decoded(JobDTO.self)
            #expect(second.parentModelID == models[0].id)
            _ = try await client.json("/api/jobs/\(second.id)/stop", .post)
            let stopped = try await client.waitForJob(second.id)
            #expect(stopped.state == "stopped")
        }
    }

    @Test func aJobInterruptedByARestartResumes() async throws {
        let store = try SQLiteStore()
        let first = try TestServer(store: store)
        defer { first.removeFiles() }
        // A first server takes the job, then "dies": the row stays running, as after a crash.
        let ids = LockedBox<(project: String, job: String)?>(nil)
        try await first.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            try await client.scribbleNuclei(image.id)
            let job = JobRecord(
                projectID: project.id, settings: .init(epochs: 1, patchSize: 64, batchSize: 2), parentModelID: nil)
            ids.value = (project.id, job.id)
            _ = try await store.recoverInterrupted(maxAttempts: 3)
        }
        let (projectID, jobID) = try #require(ids.value)
        try await store.enqueue(
            JobRecord(
                id: jobID, projectID: projectID, settings: .init(epochs: 1, patchSize: 64, batchSize: 2),
                parentModelID: nil))
        #expect(try await store.claimNext(maxRunning: 1)?.id == jobID)
        let restarted = try TestServer(store: store, folder: first.folder)
        try await restarted.run { client in
            let job = try await client.waitForJob(jobID)
            #expect(job.state == "finished", "\(job.error ?? "")")
            #expect(job.attempts == 2)
        }
    }

    @Test func aStopAskedForBeforeARestartIsHonouredAfterIt() async throws {
        let store = try SQLiteStore()
        let server = try TestServer(store: store)
        defer { server.removeFiles() }
        let ids = LockedBox<(project: String, job: String)?>(nil)
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            try await client.scribbleNuclei(image.id)
            ids.value = (project.id, "")
        }
        let (projectID, _) = try #require(ids.value)
        // A running job (as a crashed server left it) whose stop was asked for before the crash.
        let job = JobRecord(
            projectID: projectID, settings: .init(epochs: 50, patchSize: 64, batchSize: 2), parentModelID: nil)
        try await store.enqueue(job)
        #expect(try await store.claimNext(maxRunning: 1)?.id == job.id)
        #expect(try await store.requestStop(job.id).stopRequested)
        let restarted = try TestServer(store: store, folder: server.folder)
        try await restarted.run { client in
            let ended = try await client.waitForJob(job.id, timeoutSeconds: 120)
            #expect(ended.state == "stopped", "\(ended.error ?? "")")
        }
    }
}

final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
