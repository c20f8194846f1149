import Foundation
import Settings
import Testing

@testable import Storage

@Suite struct SQLiteStoreTests {
    func project(_ store: SQLiteStore, name: String = "nuclei") async throws -> ProjectRecord {
        // Whole seconds: the database keeps dates to the millisecond.
        let project = ProjectRecord(
            name: name, channelNames: ["dapi"], classNames: ["cell"],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        try await store.insert(project)
        return project
    }

    func image(_ store: SQLiteStore, in project: ProjectRecord, name: String = "a.tif") async throws -> ImageRecord {
        let image = ImageRecord(
            projectID: project.id, name: name, path: "p/\(name)", checksum: "00", byteCount: 1, channels: 1, depth: 1,
            height: 32, width: 32)
        try await store.insert(image)
        return image
    }

    @Test func projectsImagesAndModelsRoundTripAndCascade() async throws {
        let store = try SQLiteStore()
        let project = try await project(store)
        #expect(try await store.project(project.id) == project)
        let first = try await image(store, in: project, name: "a.tif")
        _ = try await image(store, in: project, name: "b.tif")
        #expect(try await store.images(in: project.id).map(\.name) == ["a.tif", "b.tif"])
        let model = ModelRecord(
            projectID: project.id, version: 0, parentID: nil, jobID: nil, path: "m", checksum: "c", byteCount: 3,
            metrics: ["ap50": 0.5], settings: TrainingSettings(epochs: 2), scribbleSnapshot: [first.id: "x"])
        let v1 = try await store.insertNextVersion(model)
        var second = model
        second.id = StoreIDs.make()
        let v2 = try await store.insertNextVersion(second)
        #expect(v1.version == 1 && v2.version == 2)
        #expect(try await store.models(in: project.id).map(\.version) == [2, 1])
        #expect(try await store.model(v1.id).scribbleSnapshot == [first.id: "x"])
        try await store.deleteProject(project.id)
        await #expect(throws: StorageError.notFound(kind: "image", id: first.id)) { try await store.image(first.id) }
        await #expect(throws: StorageError.notFound(kind: "model", id: v1.id)) { try await store.model(v1.id) }
    }

    @Test func scribbleSavesDetectConcurrentEdits() async throws {
        let store = try SQLiteStore()
        let image = try await image(store, in: try await project(store))
        let saved = try await store.updateScribbles(
            of: image.id, expectedVersion: 0, path: "s1", checksum: "c1", foreground: 5, background: 7)
        #expect(saved.scribbleVersion == 1 && saved.scribblePath == "s1" && saved.isScribbled)
        // A second editor who also started from version 0 is refused, and the first edit stays.
        await #expect(
            throws: StorageError.versionConflict(kind: "scribbles", id: image.id, expected: "0", current: "1")
        ) {
            try await store.updateScribbles(
                of: image.id, expectedVersion: 0, path: "s2", checksum: "c2", foreground: 1, background: 1)
        }
        #expect(try await store.image(image.id).scribblePath == "s1")
    }

    @Test func queueClaimsOldestFirstWithinTheLimit() async throws {
        let store = try SQLiteStore()
        let project = try await project(store)
        let early = JobRecord(
            projectID: project.id, settings: .init(epochs: 1), parentModelID: nil,
            createdAt: Date(timeIntervalSince1970: 10))
        let late = JobRecord(
            projectID: project.id, settings: .init(epochs: 1), parentModelID: nil,
            createdAt: Date(timeIntervalSince1970: 20))
        try await store.enqueue(late)
        try await store.enqueue(early)
        let claimed = try await store.claimNext(maxRunning: 1)
        #expect(claimed?.id == early.id && claimed?.state == .running && claimed?.attempts == 1)
        #expect(try await store.claimNext(maxRunning: 1) == nil)
        try await store.finish(early.id, state: .finished, modelID: "m", error: nil)
        #expect(try await store.claimNext(maxRunning: 1)?.id == late.id)
        #expect(try await store.job(early.id).finishedAt != nil)
    }

    @Test func stoppingAQueuedJobEndsIt() async throws {
        let store = try SQLiteStore()
        let job = JobRecord(projectID: try await project(store).id, settings: .init(), parentModelID: nil)
        try await store.enqueue(job)
        let stopped = try await store.requestStop(job.id)
        #expect(stopped.state == .stopped && stopped.stopRequested)
        #expect(try await store.claimNext(maxRunning: 1) == nil)
    }

    @Test func restartRequeuesRunningJobsUntilTheirAttemptsRunOut() async throws {
        let store = try SQLiteStore()
        let project = try await project(store)
        let job = JobRecord(projectID: project.id, settings: .init(), parentModelID: nil)
        try await store.enqueue(job)
        _ = try await store.claimNext(maxRunning: 1)
        // The process died: the row still says running.
        #expect(try await store.recoverInterrupted(maxAttempts: 2) == [job.id])
        #expect(try await store.job(job.id).state == .queued)
        _ = try await store.claimNext(maxRunning: 1)
        #expect(try await store.recoverInterrupted(maxAttempts: 2) == [])
        let failed = try await store.job(job.id)
        #expect(failed.state == .failed && failed.error?.contains("interrupted 2 times") == true)
    }

    @Test func databaseFileKeepsItsContentAcrossOpenings() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("db.sqlite")
        let id: String
        do {
            let store = try SQLiteStore(url: url)
            id = try await project(store, name: "kept").id
        }
        let reopened = try SQLiteStore(url: url)
        #expect(try await reopened.project(id).name == "kept")
    }

    @Test func settingsFillTheirGapsFromDefaults() {
        let project = TrainingSettings(timeBudgetSeconds: 60, learningRate: 0.001, patchSize: 128)
        let job = TrainingSettings(epochs: 3, patchSize: 64)
        let filled = job.filled(from: project)
        // Epochs given: the project's time budget does not add a second stop condition.
        #expect(filled.epochs == 3 && filled.timeBudgetSeconds == nil)
        #expect(filled.patchSize == 64 && filled.learningRate == 0.001)
    }

    @Test func idsAreCheckedBeforeUse() {
        #expect(StoreIDs.isValid(StoreIDs.make()))
        #expect(!StoreIDs.isValid("../etc/passwd"))
        #expect(!StoreIDs.isValid("0123456789ABCDEF"))
    }
}
