import Foundation
import Hummingbird

/// Scribbles of an image: `GET` (8-bit label image, `ETag: "<version>"`) and `PUT` (with `If-Match`), so two
/// editors saving from the same version cannot silently overwrite each other: the second gets 412.
enum ScribbleRoutes {
    static func add(to router: Router<BasicRequestContext>, services: ServerServices) {
        router.get("/api/images/{image}/scribbles") { request, context in
            let record = try await ImageRoutes.image(context, services)
            let format = try request.choice("format", default: ScribbleStore.Format.tif)
            let data = try await offloaded { try services.scribbles.encoded(record, as: format) }
            let contentType = BinaryBody.contentType(for: format == .tiff ? "tif" : format.rawValue)
            return BinaryBody.response(data, contentType: contentType, headers: [.eTag: etag(record.scribbleVersion)])
        }
        router.put("/api/images/{image}/scribbles") { request, context in
            let record = try await ImageRoutes.image(context, services)
            guard let match = request.headers[.ifMatch] else {
                throw ServiceError.versionRequired(
                    "send If-Match with the version of the scribbles the edit starts from (the ETag of GET; \"0\" for none)"
                )
            }
            let expected = try version(fromETag: match)
            try ScribbleStore.checkVersion(of: record, expected: expected)
            let project = try await services.projects.project(record.projectID)
            let data = try await request.bodyData(limit: services.configuration.maxUploadBytes)
            let updated = try await services.scribbles.save(
                data, for: record, classes: project.classNames.count, expectedVersion: expected)
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
