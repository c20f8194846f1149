import Foundation
import ImageFormats
import Imaging
import Scribbles
import Storage
import TestSupport
import Testing

@testable import Server

@Suite struct ImageLibraryTests {
    @Test func uploadsAreDecodedCheckedAndStoredWithTheirChecksum() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let image = try await fixture.nucleiImage(in: project)
        #expect(image.spatialShape == [256, 256] && image.channels == 1 && image.name == "nuclei.png")
        let original = try await fixture.services.images.original(imageID: image.id)
        #expect(original.data == (try Fixtures.data(Fixtures.nucleiImage)) && original.fileExtension == "png")
        #expect(try await fixture.services.images.images(in: project.id).map(\.id) == [image.id])
    }

    @Test func oneBadFileStoresNothing() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let good = UploadedFile(name: "good.png", data: try Fixtures.data(Fixtures.nucleiImage))
        let bad = UploadedFile(name: "bad.png", data: Data("not a png".utf8))
        await #expect(throws: (any Error).self) {
            try await fixture.services.images.upload([good, bad], to: project.id)
        }
        #expect(try await fixture.services.images.images(in: project.id).isEmpty)
    }

    @Test func theProjectsChannelsAndTheMinimumSizeAreEnforced() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let twoChannels = try await fixture.project(channels: ["a", "b"])
        let nuclei = UploadedFile(name: "nuclei.png", data: try Fixtures.data(Fixtures.nucleiImage))
        await #expect {
            try await fixture.services.images.upload([nuclei], to: twoChannels.id)
        } throws: { error in
            isServiceError(error) {
                if case .unacceptable(let message, _) = $0 { message.contains("has 1 channels") } else { false }
            }
        }
        let oneChannel = try await fixture.project()
        let tiny = try ImageFormats.encode(
            try Image(shape: [1, 8, 8], pixels: [Float](repeating: 1, count: 64)), format: .png)
        await #expect {
            try await fixture.services.images.upload([UploadedFile(name: "tiny.png", data: tiny)], to: oneChannel.id)
        } throws: { error in
            isServiceError(error) {
                if case .unacceptable(let message, _) = $0 { message.contains("8x8") } else { false }
            }
        }
    }

    @Test func imagesAreListedInTheOrderAsked() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let data = try Fixtures.data(Fixtures.nucleiImage)
        _ = try await fixture.services.images.upload(
            [UploadedFile(name: "b.png", data: data), UploadedFile(name: "a.png", data: data)], to: project.id)
        #expect(
            try await fixture.services.images.images(in: project.id, order: .created).map(\.name) == ["b.png", "a.png"])
        #expect(
            try await fixture.services.images.images(in: project.id, order: .name).map(\.name) == ["a.png", "b.png"])
    }

    @Test func deletingAnImageRemovesItsFilesAndScribbles() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let image = try await fixture.scribbleNuclei(try await fixture.nucleiImage(in: project))
        let scribbleFile = try #require(image.scribblePath)
        try await fixture.services.images.delete(image)
        #expect(!fixture.services.blobs.exists(image.path) && !fixture.services.blobs.exists(scribbleFile))
        await #expect(throws: (any Error).self) { try await fixture.services.images.image(image.id) }
    }
}

@Suite struct ScribbleStoreTests {
    @Test func savesMoveTheVersionOnAndStaleEditsAreRefused() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let project = try await fixture.project()
        let image = try await fixture.nucleiImage(in: project)
        let store = fixture.services.scribbles
        #expect(try store.scribbles(of: image).foregroundPixelCount == 0)
        var labels = [UInt32](repeating: 0, count: 256 * 256)
        labels[0] = 1
        labels[1] = 255
        let edit = try ImageFormats.encode(try LabelImage(shape: [256, 256], labels: labels), format: .png)
        let saved = try await store.save(edit, imageID: image.id, expectedVersion: 0)
        #expect(saved.scribbleVersion == 1 && saved.scribbledForeground == 1 && saved.scribbledBackground == 1)
        #expect(try store.scribbles(of: saved).values[0] == 1)
        // A second editor who also started from version 0 loses nothing but is told to reload.
        await #expect {
            try await store.save(edit, imageID: image.id, expectedVersion: 0)
        } throws: { error in isServiceError(error) { if case .staleVersion = $0 { true } else { false } } }
        // Two saves that both passed the check race in the database: the loser's file is removed, the winner's kept.
        let map = try store.scribbles(of: saved)
        await #expect(throws: StorageError.self) { try await store.save(map, for: image, expectedVersion: 0) }
        let folder = fixture.services.blobs.url("projects/\(image.projectID)/scribbles")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
        #expect(try store.scribbles(of: try await fixture.services.images.image(image.id)).values[0] == 1)
    }

    @Test(
        "scribbles must have the image's shape and the project's classes",
        arguments: [
            ([128, 128], UInt32(1), "128x128"), ([256, 256], UInt32(2), "value 2"),
        ])
    func badScribbles(shape: [Int], value: UInt32, message: String) async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let image = try await fixture.nucleiImage(in: try await fixture.project())
        var labels = [UInt32](repeating: 0, count: shape[0] * shape[1])
        labels[5] = value
        let data = try ImageFormats.encode(try LabelImage(shape: shape, labels: labels), format: .png)
        await #expect {
            try await fixture.services.scribbles.save(data, imageID: image.id, expectedVersion: 0)
        } throws: { error in
            isServiceError(error) { if case .unacceptable(let text, _) = $0 { text.contains(message) } else { false } }
        }
    }

    @Test func scribblesAreServedInEachFormat() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.removeFiles() }
        let image = try await fixture.scribbleNuclei(try await fixture.nucleiImage(in: try await fixture.project()))
        for format in ScribbleStore.Format.allCases {
            let data = try fixture.services.scribbles.encoded(image, as: format)
            let labels = try ImageFormats.decode(data, source: "test").labels()
            #expect(labels.shape == [256, 256])
            #expect(labels.labels.filter { $0 == 255 }.count == image.scribbledBackground)
        }
    }
}
