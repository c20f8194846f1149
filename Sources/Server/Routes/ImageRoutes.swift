import Foundation
import Hummingbird
import Storage

/// Images: upload (multipart or raw body), list, metadata, original file, previews, pyramid tiles, delete.
enum ImageRoutes {
    static func add(to router: Router<BasicRequestContext>, services: ServerServices) {
        router.post("/api/projects/{project}/images") { request, context in
            let projectID = try context.id("project", kind: "project")
            let files = try await uploadedFiles(request, limit: services.configuration.maxUploadBytes)
            let stored = try await services.images.upload(files, to: projectID)
            return JSONBody.response(UploadedImages(images: stored.map(ImageDTO.init)), status: .created)
        }
        router.get("/api/projects/{project}/images") { request, context in
            let order = try request.choice("sort", default: ImageOrder.created)
            let images = try await services.images.images(in: try context.id("project", kind: "project"), order: order)
            return JSONBody.response(images.map(ImageDTO.init))
        }
        router.get("/api/images/{image}") { _, context in
            JSONBody.response(ImageDTO(try await image(context, services)))
        }
        router.delete("/api/images/{image}") { _, context in
            try await services.images.delete(try await image(context, services))
            return Response(status: .noContent)
        }
        router.get("/api/images/{image}/file") { _, context in
            let record = try await image(context, services)
            let original = try services.images.original(of: record)
            return BinaryBody.response(
                original.data, contentType: BinaryBody.contentType(for: original.fileExtension), filename: record.name)
        }
        router.get("/api/images/{image}/preview") { request, context in
            let record = try await image(context, services)
            let size = try request.integer("size", default: 512, in: 16...4096)
            let channel = try request.integer("channel", in: 0...1023)
            let z = try request.integer("z", default: 0, in: 0...100_000)
            let png = try await offloaded {
                try services.renditions.preview(of: record, size: size, channel: channel, z: z)
            }
            return BinaryBody.response(png, contentType: "image/png")
        }
        router.get("/api/images/{image}/tiles/{level}/{row}/{column}") { request, context in
            let record = try await image(context, services)
            let (level, row, column) = (
                try context.index("level"), try context.index("row"), try context.index("column")
            )
            let channel = try request.integer("channel", in: 0...1023)
            let z = try request.integer("z", default: 0, in: 0...100_000)
            let png = try await offloaded {
                try services.renditions.tile(of: record, level: level, row: row, column: column, channel: channel, z: z)
            }
            return BinaryBody.response(png, contentType: "image/png", headers: [.cacheControl: "max-age=3600"])
        }
    }

    static func image(_ context: BasicRequestContext, _ services: ServerServices) async throws -> ImageRecord {
        try await services.images.image(try context.id("image", kind: "image"))
    }

    /// The files of an upload: the file parts of a multipart form, or the raw body named by `?name=`.
    static func uploadedFiles(_ request: Request, limit: Int) async throws -> [UploadedFile] {
        let data = try await request.bodyData(limit: limit)
        if let contentType = request.headers[.contentType],
            let boundary = MultipartForm.boundary(contentType: contentType)
        {
            let form = try MultipartForm(body: data, boundary: boundary)
            let files = form.parts.compactMap { part in
                part.filename.map { UploadedFile(name: $0.isEmpty ? "upload" : $0, data: part.data) }
            }
            guard !files.isEmpty else {
                throw ServerError.badRequest("the form has no file parts (give each image as a file field)")
            }
            return files
        }
        guard let name = request.query("name"), !name.isEmpty else {
            throw ServerError.badRequest("send images as multipart/form-data, or as the raw body with ?name=FILE")
        }
        guard !data.isEmpty else { throw ServerError.badRequest("the upload '\(name)' is empty") }
        return [UploadedFile(name: name, data: data)]
    }
}
