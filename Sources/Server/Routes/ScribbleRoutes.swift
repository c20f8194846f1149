import Foundation
import Hummingbird

/// Scribbles of an image: `GET` (8-bit label image, `ETag: "<version>"`) and `PUT` (with `If-Match`), so two
/// editors saving from the same version cannot silently overwrite each other: the second gets 412.
enum ScribbleRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, uploads: UploadSpool) {
        router.get("/api/images/{image}/scribbles") { request, context in
            let format = try request.choice("format", default: ScribbleStore.Format.tif)
            let image = try await context.image(to: .view, in: services)
            let file = try await services.scribbles.encoded(imageID: image.id, as: format)
            let contentType = BinaryBody.contentType(for: format == .tiff ? "tif" : format.rawValue)
            return BinaryBody.response(file.data, contentType: contentType, headers: [.eTag: etag(file.version)])
        }
        router.put("/api/images/{image}/scribbles") { request, context in
            let image = try await context.image(to: .annotate, in: services)
            let imageID = image.id
            guard let match = request.headers[.ifMatch] else {
                throw ServiceError.versionRequired(
                    "send If-Match with the version of the scribbles the edit starts from (the ETag of GET; \"0\" for none)"
                )
            }
            let expected = try version(fromETag: match)
            let data = try await uploads.body(of: request)
            let updated = try await services.scribbles.save(data, imageID: imageID, expectedVersion: expected)
            await context.audit(
                .scribblesSave, project: image.projectID, object: imageID,
                detail: "version \(updated.scribbleVersion) of \(image.name)", in: services)
            return JSONBody.response(ImageDTO(updated), headers: [.eTag: etag(updated.scribbleVersion)])
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
}
