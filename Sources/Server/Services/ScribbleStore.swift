import Foundation
import ImageFormats
import Imaging
import Scribbles
import Storage

/// The scribbles of each image, versioned: every save writes a new version's file and moves the image's version
/// on only if nobody saved since the version the edit started from, so concurrent edits are never lost.
struct ScribbleStore: Sendable {
    /// The formats scribbles are served in.
    enum Format: String, CaseIterable, Sendable {
        case tif, tiff, png, npy

        var fileFormat: FileFormat {
            switch self {
            case .tif, .tiff: .tiff
            case .png: .png
            case .npy: .npy
            }
        }
    }

    let store: any Store
    let blobs: BlobStore
    /// The decoders' limits for uploads; a scribble file is further held to its image's size.
    var readLimits = ReadLimits.standard

    /// The stored scribbles of `record`, or an empty map before any were saved.
    func scribbles(of record: ImageRecord) throws -> ScribbleMap {
        guard let path = record.scribblePath else { return try ScribbleMap(unlabelledWithShape: record.spatialShape) }
        let data = try blobs.read(path, checksum: record.scribbleChecksum)
        return try ScribbleMap(
            labels: try ImageFormats.decode(data, source: "scribbles of '\(record.name)'").labels(),
            source: "scribbles of '\(record.name)'")
    }

    /// The stored scribbles of `record` as an 8-bit label image file.
    func encoded(_ record: ImageRecord, as format: Format) throws -> Data {
        try ImageFormats.encode(try scribbles(of: record).labelImage, format: format.fileFormat)
    }

    /// The scribbles of image `id` as an 8-bit label image file, and their version (the ETag).
    func encoded(imageID id: String, as format: Format) async throws -> (data: Data, version: Int) {
        let record = try await store.image(id)
        return (try await offloaded { [self] in try encoded(record, as: format) }, record.scribbleVersion)
    }

    /// Saves a label image sent as the edit of version `expectedVersion` of the scribbles of image `id`.
    ///
    /// - Throws: `ServiceError.staleVersion` when the scribbles changed since; `ServiceError.unacceptable` for a
    ///   label image of another shape or with values that are not classes of the image's project.
    func save(_ data: Data, imageID id: String, expectedVersion: Int) async throws -> ImageRecord {
        let record = try await store.image(id)
        try Self.checkVersion(of: record, expected: expectedVersion)
        let classes = try await store.project(record.projectID).classNames.count
        let scribbles = try await offloaded { [readLimits] in
            try Self.decode(data, for: record, classes: classes, limits: readLimits)
        }
        return try await save(scribbles, for: record, expectedVersion: expectedVersion)
    }

    /// Writes `scribbles` as a new version's file and records it if the image is still at `expectedVersion` (the
    /// file is removed again when it is not); returns the updated image.
    func save(_ scribbles: ScribbleMap, for record: ImageRecord, expectedVersion: Int) async throws -> ImageRecord {
        let path = record.newScribblePath(version: expectedVersion + 1)
        let checksum = try await offloaded { [blobs] in
            try blobs.write(try ImageFormats.encode(scribbles.labelImage, format: .tiff), to: path)
        }
        do {
            return try await store.updateScribbles(
                of: record.id, expectedVersion: expectedVersion, path: path, checksum: checksum,
                foreground: scribbles.foregroundPixelCount, background: scribbles.count(of: ScribbleMap.background))
        } catch {
            blobs.remove(path)
            throw error
        }
    }

    static func checkVersion(of record: ImageRecord, expected: Int) throws {
        guard expected == record.scribbleVersion else {
            throw ServiceError.staleVersion(
                "the scribbles of '\(record.name)' changed since version \(expected) (now \(record.scribbleVersion)); "
                    + "reload them and apply the edit again")
        }
    }

    /// Scribbles sent for `record`: a label image of the image's shape with values 0, 1...classes or 255 (or an
    /// ImageJ ROI set drawn on it). Nothing larger than the image is decoded or rasterised.
    static func decode(
        _ data: Data, for record: ImageRecord, classes: Int, limits: ReadLimits = .standard
    ) throws -> ScribbleMap {
        guard !data.isEmpty else { throw ServiceError.malformed("the scribbles body is empty") }
        var limits = limits
        limits.maxSamples = min(limits.maxSamples, record.spatialShape.reduce(1, *))
        limits.maxDecodedBytes = min(limits.maxDecodedBytes, limits.maxSamples * 4)
        let file = try ImageFormats.decode(data, source: "scribbles of '\(record.name)'", limits: limits)
        let labels = try file.labels()
        guard labels.shape == record.spatialShape else {
            throw ServiceError.unacceptable(
                "the scribbles are \(labels.shape.map(String.init).joined(separator: "x")) but image '\(record.name)' is "
                    + record.spatialShape.map(String.init).joined(separator: "x"))
        }
        let scribbles = try ScribbleMap(labels: labels, source: "scribbles of '\(record.name)'")
        if let bad = scribbles.values.first(where: { $0 != ScribbleMap.background && Int($0) > classes }) {
            throw ServiceError.unacceptable(
                "scribble value \(bad) is not a class of the project (1...\(classes) for classes, 255 for background, 0 unlabelled)"
            )
        }
        return scribbles
    }
}
