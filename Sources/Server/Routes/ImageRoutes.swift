import Foundation
import Hummingbird

/// Images: upload (multipart or raw body), list, metadata, original file, previews, pyramid tiles, delete.
enum ImageRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices, uploads: UploadSpool) {
        router.post("/api/projects/{project}/images") { request, context in
            let project = try await context.project(to: .annotate, in: services)
            let files = try await uploads.files(of: request)
            let stored = try await services.images.upload(files, to: project.id)
            for image in stored {
                await context.audit(
                    .imageUpload, project: project.id, object: image.id, detail: image.name, in: services)
            }
            return JSONBody.response(UploadedImages(images: stored.map(ImageDTO.init)), status: .created)
        }
        router.get("/api/projects/{project}/images") { request, context in
            let order = try request.choice("sort", default: ImageOrder.created)
            let images = try await services.images.images(
                in: try await context.project(to: .view, in: services).id, order: order)
            return JSONBody.response(images.map(ImageDTO.init))
        }
        router.get("/api/images/{image}") { _, context in
            JSONBody.response(ImageDTO(try await context.image(to: .view, in: services)))
        }
        router.delete("/api/images/{image}") { _, context in
            let image = try await context.image(to: .manage, in: services)
            try await services.images.delete(imageID: image.id)
            await context.audit(
                .imageDelete, project: image.projectID, object: image.id, detail: image.name, in: services)
            return Response(status: .noContent)
        }
        router.get("/api/images/{image}/file") { _, context in
            let original = try await services.images.original(
                imageID: try await context.image(to: .view, in: services).id)
            return BinaryBody.response(
                original.data, contentType: BinaryBody.contentType(for: original.fileExtension), filename: original.name
            )
        }
        router.get("/api/images/{image}/preview") { request, context in
            let png = try await services.images.preview(
                imageID: try await context.image(to: .view, in: services).id,
                size: try request.integer("size", default: 512, in: 16...4096),
                channel: try request.integer("channel", in: 0...1023),
                z: try request.integer("z", default: 0, in: 0...100_000))
            return BinaryBody.response(png, contentType: "image/png")
        }
        router.get("/api/images/{image}/tiles/{level}/{row}/{column}") { request, context in
            let png = try await services.images.tile(
                imageID: try await context.image(to: .view, in: services).id, level: try context.index("level"),
                row: try context.index("row"), column: try context.index("column"),
                channel: try request.integer("channel", in: 0...1023),
                z: try request.integer("z", default: 0, in: 0...100_000))
            return BinaryBody.response(png, contentType: "image/png", headers: [.cacheControl: "max-age=3600"])
        }
    }
}
