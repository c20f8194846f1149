import Foundation
import ImageFormats
import Imaging
import Storage
import Training

/// A file as it arrived in an upload.
struct UploadedFile: Sendable {
    var name: String
    var data: Data
}

/// The order of a project's image list.
enum ImageOrder: String, CaseIterable, Sendable {
    case created, name, uncertainty
}

/// A project's images: uploads checked before anything is stored, listing, originals, deletion.
struct ImageLibrary: Sendable {
    /// Images smaller than this on either side cannot hold a training patch.
    static let minimumSide = 16

    let store: any Store
    let blobs: BlobStore
    let renditions: RenditionService
    let inference: InferenceService
    let metrics: ServerMetrics
    /// The decoders' limits for uploads (`ServerLimits.readLimits`).
    let readLimits: ReadLimits

    /// Decodes and checks every file against the project, then stores them all: one bad file stores nothing.
    ///
    /// - Throws: `ServiceError.unacceptable` (wrong channels, too small, not an image format the project takes),
    ///   `ImageFormatsError` for files that cannot be decoded.
    func upload(_ files: [UploadedFile], to projectID: String) async throws -> [ImageRecord] {
        let project = try await store.project(projectID)
        let checked = try await offloaded { [readLimits] in
            try files.map { try Self.checked($0, for: project, limits: readLimits) }
        }
        var stored: [ImageRecord] = []
        for (record, data) in checked {
            stored.append(try await store(record, data))
            metrics.uploadedImages.increment()
        }
        return stored
    }

    /// Writes a checked image's bytes and records it with their checksum.
    func store(_ record: ImageRecord, _ data: Data) async throws -> ImageRecord {
        var record = record
        let path = record.path
        record.checksum = try await offloaded { [blobs] in try blobs.write(data, to: path) }
        try await store.insert(record)
        return record
    }

    /// The record to store for `file` in `project`, after decoding it and checking its channels and size.
    static func checked(
        _ file: UploadedFile, for project: ProjectRecord, limits: ReadLimits = .standard
    ) throws -> (ImageRecord, Data) {
        let safeName = String((file.name as NSString).lastPathComponent.prefix(255))
        // The format from the first bytes, before anything is decoded: archives are never opened here.
        let format = try ImageFormats.detectFormat(of: file.data, source: safeName)
        guard format == .tiff || format == .png || format == .npy else {
            throw ServiceError.unacceptable("'\(safeName)' is \(format.displayName); upload images as TIFF, PNG or NPY")
        }
        let decoded = try ImageFormats.decode(file.data, source: safeName, limits: limits)
        // Channels as training sees them: no constant alpha, grey stored as RGB is one channel.
        let image = try InputPreparation.reducedChannels(of: try decoded.image())
        let wanted = project.channelNames.count
        guard image.channels == wanted || (wanted == 1 && image.channels == 3) else {
            throw ServiceError.unacceptable(
                "image '\(safeName)' has \(image.channels) channels; the project has \(wanted) "
                    + "(\(project.channelNames.joined(separator: ", ")))")
        }
        guard image.height >= minimumSide, image.width >= minimumSide else {
            throw ServiceError.unacceptable(
                "image '\(safeName)' is \(image.height)x\(image.width); images need at least \(minimumSide)x\(minimumSide) pixels"
            )
        }
        let id = StoreIDs.make()
        let ext = decoded.format == .tiff ? "tif" : decoded.format.rawValue
        let record = ImageRecord(
            id: id, projectID: project.id, name: safeName, path: "projects/\(project.id)/images/\(id).\(ext)",
            checksum: "", byteCount: file.data.count, channels: wanted, depth: image.depth, height: image.height,
            width: image.width)
        return (record, file.data)
    }

    func images(in projectID: String, order: ImageOrder = .created) async throws -> [ImageRecord] {
        _ = try await store.project(projectID)
        let images = try await store.images(in: projectID)
        switch order {
        case .created: return images
        case .name: return images.sorted { $0.name < $1.name }
        case .uncertainty: return images.sorted { ($0.meanEntropy ?? -1) > ($1.meanEntropy ?? -1) }
        }
    }

    func image(_ id: String) async throws -> ImageRecord { try await store.image(id) }

    /// Image `id` as uploaded (checked against its checksum), its format's file extension and its name.
    func original(imageID id: String) async throws -> (data: Data, fileExtension: String, name: String) {
        let record = try await store.image(id)
        let data = try await offloaded { [blobs] in try blobs.read(record.path, checksum: record.checksum) }
        return (data, (record.path as NSString).pathExtension, record.name)
    }

    /// A PNG of slice `z` of image `id` (one channel, or the colour composite), its longer side at most `size`.
    func preview(imageID id: String, size: Int, channel: Int?, z: Int) async throws -> Data {
        let record = try await store.image(id)
        return try await offloaded { [renditions] in
            try renditions.preview(of: record, size: size, channel: channel, z: z)
        }
    }

    /// Tile (`row`, `column`) of pyramid level `level` of image `id`, as a PNG.
    func tile(imageID id: String, level: Int, row: Int, column: Int, channel: Int?, z: Int) async throws -> Data {
        let record = try await store.image(id)
        // A cached tile costs a look-up: answered here, without waiting for a worker thread.
        if let cached = renditions.cachedTile(of: id, level: level, row: row, column: column, channel: channel, z: z) {
            return cached
        }
        return try await offloaded { [renditions] in
            try renditions.tile(of: record, level: level, row: row, column: column, channel: channel, z: z)
        }
    }

    /// Removes image `id`, its scribble versions and everything cached about it.
    func delete(imageID id: String) async throws { try await delete(try await store.image(id)) }

    /// Removes the image, its scribble versions and everything cached about it.
    func delete(_ record: ImageRecord) async throws {
        try await store.deleteImage(record.id)
        _ = try await offloaded { [blobs] in
            blobs.remove(record.path)
            blobs.remove(in: "projects/\(record.projectID)/scribbles", prefix: "\(record.id)-")
        }
        renditions.forget(imageID: record.id)
        inference.forget(imageID: record.id)
    }
}
