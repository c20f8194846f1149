import Foundation
import Hummingbird
import ImageFormats
import Imaging
import Scribbles
import Storage

/// Scribbles of an image: `GET` (8-bit label image, `ETag: "<version>"`) and `PUT` (with `If-Match`), so two
/// editors saving from the same version cannot silently overwrite each other: the second gets 412.
enum ScribbleRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.get("/api/images/{image}/scribbles") { request, context in
            let record = try await ImageRoutes.image(context, server)
            let format = try outputFormat(request)
            let scribbles = try await offloaded { try load(record, blobs: server.blobs) }
            let data = try ImageFormats.encode(scribbles.labelImage, format: format)
            return BinaryBody.response(
                data, contentType: BinaryBody.contentType(for: format == .png ? "png" : format == .npy ? "npy" : "tif"),
                headers: [.eTag: etag(record.scribbleVersion)])
        }
        router.put("/api/images/{image}/scribbles") { request, context in
            let record = try await ImageRoutes.image(context, server)
            guard let match = request.headers[.ifMatch] else {
                throw ServerError(
                    .preconditionRequired,
                    "send If-Match with the version of the scribbles the edit starts from (the ETag of GET; \"0\" for none)")
            }
            let expected = try version(fromETag: match)
            guard expected == record.scribbleVersion else {
                throw ServerError(
                    .preconditionFailed,
                    "the scribbles of '\(record.name)' changed since version \(expected) (now \(record.scribbleVersion)); "
                        + "reload them and apply the edit again")
            }
            let project = try await server.store.project(record.projectID)
            let data = try await request.bodyData(limit: server.configuration.maxUploadBytes)
            let scribbles = try await offloaded { try decode(data, for: record, classes: project.classNames.count) }
            let updated = try await save(scribbles, for: record, expectedVersion: expected, store: server.store, blobs: server.blobs)
            return JSONBody.response(ImageDTO(updated), headers: [.eTag: etag(updated.scribbleVersion)])
        }
    }

    /// Writes `scribbles` as a new version's file and records it if the image is still at `expectedVersion`
    /// (the file is removed again when it is not); returns the updated image.
    static func save(
        _ scribbles: ScribbleMap, for record: ImageRecord, expectedVersion: Int, store: any Store, blobs: BlobStore
    ) async throws -> ImageRecord {
        let path = record.newScribblePath(version: expectedVersion + 1)
        let checksum = try blobs.write(try ImageFormats.encode(scribbles.labelImage, format: .tiff), to: path)
        do {
            return try await store.updateScribbles(
                of: record.id, expectedVersion: expectedVersion, path: path, checksum: checksum,
                foreground: scribbles.foregroundPixelCount, background: scribbles.count(of: ScribbleMap.background))
        } catch {
            blobs.remove(path)
            throw error
        }
    }

    static func etag(_ version: Int) -> String { "\"\(version)\"" }

    /// The version in an `If-Match` value (`"3"`, `W/"3"` or `3`).
    static func version(fromETag value: String) throws -> Int {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(text), version >= 0 else {
            throw ServerError.badRequest("If-Match must be the scribbles' ETag (such as \"3\"), not '\(value)'")
        }
        return version
    }

    static func outputFormat(_ request: Request) throws -> FileFormat {
        switch request.uri.queryParameters.get("format") ?? "tif" {
        case "tif", "tiff": return .tiff
        case "png": return .png
        case "npy": return .npy
        case let other: throw ServerError.badRequest("format must be tif, png or npy, not '\(other)'")
        }
    }

    /// The stored scribbles of `record`, or an empty map before any were saved.
    static func load(_ record: ImageRecord, blobs: BlobStore) throws -> ScribbleMap {
        guard let path = record.scribblePath else { return try ScribbleMap(unlabelledWithShape: record.spatialShape) }
        let data = try blobs.read(path, checksum: record.scribbleChecksum)
        return try ScribbleMap(labels: try ImageFormats.decode(data, source: path).labels(), source: path)
    }

    /// Scribbles sent for `record`: a label image of the image's shape with values 0, 1...classes or 255.
    static func decode(_ data: Data, for record: ImageRecord, classes: Int) throws -> ScribbleMap {
        guard !data.isEmpty else { throw ServerError.badRequest("the scribbles body is empty") }
        let file = try ImageFormats.decode(data, source: "scribbles of '\(record.name)'")
        let labels = try file.labels()
        guard labels.shape == record.spatialShape else {
            throw ServerError.unprocessable(
                "the scribbles are \(labels.shape.map(String.init).joined(separator: "x")) but image '\(record.name)' is "
                    + record.spatialShape.map(String.init).joined(separator: "x"))
        }
        let scribbles = try ScribbleMap(labels: labels, source: "scribbles of '\(record.name)'")
        if let bad = scribbles.values.first(where: { $0 != ScribbleMap.background && Int($0) > classes }) {
            throw ServerError.unprocessable(
                "scribble value \(bad) is not a class of the project (1...\(classes) for classes, 255 for background, 0 unlabelled)")
        }
        return scribbles
    }
}
