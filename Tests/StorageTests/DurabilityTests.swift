import Foundation
import Settings
import Storage
import Testing

@Suite struct DurabilityTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func oneProcessHoldsADataFolderAtATime() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var first: DataFolderLock? = try DataFolderLock(folder: folder)
        #expect(throws: StorageError.folderInUse(path: folder.path)) { try DataFolderLock(folder: folder) }
        #expect(first != nil)
        first = nil
        _ = try DataFolderLock(folder: folder)
    }

    @Test func aWriteThatWouldFillTheDiskIsRefusedBeforeAnythingIsWritten() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let available = try #require(try BlobStore(root: folder).availableBytes())
        let strict = try BlobStore(root: folder, reserveBytes: available)
        #expect {
            try strict.write(Data(repeating: 1, count: 4096), to: "projects/p/images/a.png")
        } throws: { error in
            if case StorageError.insufficientSpace = error { true } else { false }
        }
        #expect(!strict.exists("projects/p/images/a.png"))
        #expect(
            try BlobStore(root: folder, reserveBytes: 0).write(Data([1]), to: "projects/p/images/a.png").count == 64)
    }

    @Test func theSweepRemovesWhatNoRowNamesAndKeepsHistory() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore()
        let blobs = try BlobStore(root: folder, reserveBytes: 0)
        let project = ProjectRecord(name: "p", channelNames: ["a"], classNames: ["cell"])
        try await store.insert(project)
        var image = ImageRecord(
            id: StoreIDs.make(), projectID: project.id, name: "a.png", path: "projects/\(project.id)/images/a.png",
            checksum: "", byteCount: 1, channels: 1, depth: 1, height: 16, width: 16)
        image.checksum = try blobs.write(Data([1]), to: image.path)
        try await store.insert(image)
        let first = image.newScribblePath(version: 1)
        try blobs.write(Data([1]), to: first)
        image = try await store.updateScribbles(
            of: image.id, expectedVersion: 0, path: first, checksum: "", foreground: 1, background: 0)
        let second = image.newScribblePath(version: 2)
        try blobs.write(Data([2]), to: second)
        image = try await store.updateScribbles(
            of: image.id, expectedVersion: 1, path: second, checksum: "", foreground: 1, background: 0)
        let job = JobRecord(projectID: project.id, settings: TrainingSettings(epochs: 1), parentModelID: nil)
        try await store.enqueue(job)
        try blobs.write(Data([3]), to: "\(job.workPath)/snapshot.json")
        // What a crash leaves: an upload without its row, a scribble version never recorded, a lost race's file,
        // a model without its row, a temporary file, a deleted project's and a deleted job's folders.
        let orphans = [
            "projects/\(project.id)/images/b.png", image.newScribblePath(version: 3), image.newScribblePath(version: 2),
            "projects/\(project.id)/models/m.safetensors", "projects/\(project.id)/images/.a.png.123.tmp",
            "projects/0000000000000000/images/x.png", "jobs/0000000000000001/model.safetensors",
        ]
        for path in orphans { try blobs.write(Data([9]), to: path) }
        let removed = try await OrphanSweep.run(store: store, blobs: blobs)
        #expect(
            Set(removed)
                == Set(orphans.prefix(5) + ["projects/0000000000000000", "jobs/0000000000000001"]))
        for kept in [image.path, first, second, "\(job.workPath)/snapshot.json"] {
            #expect(blobs.exists(kept), "\(kept)")
        }
        for gone in orphans { #expect(!blobs.exists(gone), "\(gone)") }
    }
}
