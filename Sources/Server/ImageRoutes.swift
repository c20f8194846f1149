import Foundation
import Hummingbird
import ImageFormats
import Imaging
import Storage
import Training

/// Images: upload (multipart or raw body), list, metadata, original file, previews, pyramid tiles, delete.
enum ImageRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.post("/api/projects/{project}/images") { request, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            let project = try await server.store.project(projectID)
            let files = try await uploadedFiles(request, limit: server.configuration.maxUploadBytes)
            // Every file is checked before any is stored: one bad file stores nothing.
            let checked = try await offloaded { try files.map { try ingest($0.name, $0.data, project: project) } }
            var stored: [ImageDTO] = []
            for (checkedRecord, data) in checked {
                let record = try await store(checkedRecord, data, store: server.store, blobs: server.blobs)
                server.configuration.metrics.uploadedImages.increment()
                stored.append(ImageDTO(record))
            }
            return JSONBody.response(UploadedImages(images: stored), status: .created)
        }
        router.get("/api/projects/{project}/images") { request, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            var images = try await server.store.images(in: projectID)
            switch request.uri.queryParameters.get("sort") ?? "created" {
            case "created": break
            case "name": images.sort { $0.name < $1.name }
            case "uncertainty": images.sort { ($0.meanEntropy ?? -1) > ($1.meanEntropy ?? -1) }
            case let other: throw ServerError.badRequest("sort must be created, name or uncertainty, not '\(other)'")
            }
            return JSONBody.response(images.map(ImageDTO.init))
        }
        router.get("/api/images/{image}") { _, context in
            JSONBody.response(ImageDTO(try await image(context, server)))
        }
        router.delete("/api/images/{image}") { _, context in
            let record = try await image(context, server)
            try await server.store.deleteImage(record.id)
            server.blobs.remove(record.path)
            server.blobs.remove(in: "projects/\(record.projectID)/scribbles", prefix: "\(record.id)-")
            server.renditions.forget(imageID: record.id)
            server.inference.forget(imageID: record.id)
            return Response(status: .noContent)
        }
        router.get("/api/images/{image}/file") { _, context in
            let record = try await image(context, server)
            let data = try server.blobs.read(record.path, checksum: record.checksum)
            let format = (record.path as NSString).pathExtension
            return BinaryBody.response(data, contentType: BinaryBody.contentType(for: format), filename: record.name)
        }
        router.get("/api/images/{image}/preview") { request, context in
            let record = try await image(context, server)
            let size = try request.integer("size", default: 512, in: 16...4096)!
            let channel = try request.integer("channel", in: 0...1023)
            let z = try request.integer("z", default: 0, in: 0...100_000)!
            let png = try await offloaded { try server.renditions.preview(of: record, size: size, channel: channel, z: z) }
            return BinaryBody.response(png, contentType: "image/png")
        }
        router.get("/api/images/{image}/tiles/{level}/{row}/{column}") { request, context in
            let record = try await image(context, server)
            let level = try pathInteger(context, "level")
            let row = try pathInteger(context, "row")
            let column = try pathInteger(context, "column")
            let channel = try request.integer("channel", in: 0...1023)
            let z = try request.integer("z", default: 0, in: 0...100_000)!
            let png = try await offloaded {
                try server.renditions.tile(of: record, level: level, row: row, column: column, channel: channel, z: z)
            }
            return BinaryBody.response(png, contentType: "image/png", headers: [.cacheControl: "max-age=3600"])
        }
    }

    static func image(_ context: BasicRequestContext, _ server: ServerContext) async throws -> ImageRecord {
        try await server.store.image(try ServerContext.id(context.parameters.get("image"), kind: "image"))
    }

    static func pathInteger(_ context: BasicRequestContext, _ name: String) throws -> Int {
        guard let text = context.parameters.get(name), let value = Int(text), value >= 0 else {
            throw ServerError.notFound("'\(context.parameters.get(name) ?? "")' is not a \(name) number")
        }
        return value
    }

    /// The files of an upload: the file parts of a multipart form, or the raw body named by `?name=`.
    static func uploadedFiles(_ request: Request, limit: Int) async throws -> [(name: String, data: Data)] {
        let data = try await request.bodyData(limit: limit)
        if let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(contentType: contentType) {
            let form = try MultipartForm(body: data, boundary: boundary)
            let files = form.parts.filter { $0.filename != nil }
            guard !files.isEmpty else { throw ServerError.badRequest("the form has no file parts (give each image as a file field)") }
            return files.map { (($0.filename!.isEmpty ? "upload" : $0.filename!), $0.data) }
        }
        guard let name = request.uri.queryParameters.get("name"), !name.isEmpty else {
            throw ServerError.badRequest("send images as multipart/form-data, or as the raw body with ?name=FILE")
        }
        guard !data.isEmpty else { throw ServerError.badRequest("the upload '\(name)' is empty") }
        return [(name, data)]
    }

    /// Writes a checked image's bytes and records it (with their checksum); returns the stored record.
    static func store(_ record: ImageRecord, _ data: Data, store: any Store, blobs: BlobStore) async throws -> ImageRecord {
        var record = record
        record.checksum = try blobs.write(data, to: record.path)
        try await store.insert(record)
        return record
    }

    /// Decodes an uploaded file and checks it against the project; returns the record to store and the bytes.
    static func ingest(_ name: String, _ data: Data, project: ProjectRecord) throws -> (ImageRecord, Data) {
        let safeName = String((name as NSString).lastPathComponent.prefix(255))
        let file = try ImageFormats.decode(data, source: safeName)
        guard file.format == .tiff || file.format == .png || file.format == .npy else {
            throw ServerError.unprocessable("'\(safeName)' is \(file.format.displayName); upload images as TIFF, PNG or NPY")
        }
        // Channels as training sees them: no constant alpha, grey stored as RGB is one channel.
        let image = try InputPreparation.reducedChannels(of: try file.image())
        let wanted = project.channelNames.count
        guard image.channels == wanted || (wanted == 1 && image.channels == 3) else {
            throw ServerError.unprocessable(
                "image '\(safeName)' has \(image.channels) channels; the project has \(wanted) "
                    + "(\(project.channelNames.joined(separator: ", ")))")
        }
        guard image.height >= 16, image.width >= 16 else {
            throw ServerError.unprocessable("image '\(safeName)' is \(image.height)x\(image.width); images need at least 16x16 pixels")
        }
        let id = StoreIDs.make()
        let ext = file.format == .tiff ? "tif" : file.format.rawValue
        let record = ImageRecord(
            id: id, projectID: project.id, name: safeName, path: "projects/\(project.id)/images/\(id).\(ext)", checksum: "",
            byteCount: data.count, channels: wanted, depth: image.depth, height: image.height, width: image.width)
        return (record, data)
    }
}

/// Runs CPU-heavy work off the server's event loops.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
