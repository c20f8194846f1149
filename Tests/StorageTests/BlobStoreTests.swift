import Foundation
import Testing

@testable import Storage

@Suite struct BlobStoreTests {
    func temporaryStore() throws -> BlobStore {
        try BlobStore(
            root: FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-blobs-\(UUID().uuidString)")
        )
    }

    @Test func writesAreChecksummedAndVerifiedOnRead() throws {
        let blobs = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: blobs.root) }
        let checksum = try blobs.write(Data("abc".utf8), to: "a/b/c.bin")
        // SHA-256 of "abc" (FIPS 180-2 test vector).
        #expect(checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try blobs.read("a/b/c.bin", checksum: checksum) == Data("abc".utf8))
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobs.url("a/b").path) == ["c.bin"])
    }

    @Test func aDamagedFileIsReportedNotUsed() throws {
        let blobs = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: blobs.root) }
        let checksum = try blobs.write(Data("scribbles".utf8), to: "s.tif")
        try Data("scribblez".utf8).write(to: blobs.url("s.tif"))
        #expect(throws: StorageError.self) { try blobs.read("s.tif", checksum: checksum) }
        #expect(throws: StorageError.self) { try blobs.read("missing.tif") }
    }

    @Test func removalByPrefixKeepsOtherFiles() throws {
        let blobs = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: blobs.root) }
        try blobs.write(Data([1]), to: "s/img1-v1.tif")
        try blobs.write(Data([2]), to: "s/img1-v2.tif")
        try blobs.write(Data([3]), to: "s/img2-v1.tif")
        blobs.remove(in: "s", prefix: "img1-")
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobs.url("s").path) == ["img2-v1.tif"])
    }
}
