import Foundation
import Hummingbird
import ImageFormats
import Imaging
import Segmentation
import Storage
import Training

/// Inference at any time (also while a job trains): a JSON summary with instances, mean entropy, the most
/// uncertain regions and outlines, and the maps as TIFF (full precision) or PNG (display).
enum PredictionRoutes {
    /// Which model to predict with: its cache key, stored file and checksum.
    struct ModelChoice: Sendable {
        var key: String
        var path: String
        var checksum: String?
    }

    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.get("/api/images/{image}/prediction") { request, context in
            let image = try await ImageRoutes.image(context, server)
            let result = try await prediction(request, image: image, server: server)
            let threshold = try request.number("threshold", in: 0...1).map(Float.init)
            let count = try request.integer("regions", default: 3, in: 0...50)!
            let size = try request.integer("regionSize", default: 64, in: 8...1024)!
            let wantsOutlines = try request.flag("outlines")
            let dto = try await offloaded {
                let labels = try result.labels(threshold: threshold)
                let outlines = wantsOutlines && result.shape.count == 2
                    ? try ImageFormats.outlines(of: labels).map { outline in
                        OutlineDTO(label: outline.label, points: zip(outline.xs, outline.ys).map { [$0, $1] })
                    } : nil
                return PredictionDTO(
                    imageID: image.id, model: result.modelKey,
                    foregroundThreshold: threshold ?? result.instanceOptions.foregroundThreshold,
                    instances: labels.instanceCount, meanEntropy: result.meanEntropy,
                    regions: result.uncertainRegions(count: count, size: size).map {
                        RegionDTO(y: $0.y, x: $0.x, size: $0.size, meanEntropy: $0.meanUncertainty)
                    },
                    outlines: outlines, seconds: result.seconds)
            }
            return JSONBody.response(dto)
        }
        router.get("/api/images/{image}/prediction/{map}") { request, context in
            let image = try await ImageRoutes.image(context, server)
            let map = context.parameters.get("map") ?? ""
            guard PredictionMaps.names.contains(map) else {
                throw ServerError.notFound("no prediction map '\(map)'; maps: \(PredictionMaps.names.sorted().joined(separator: ", "))")
            }
            let result = try await prediction(request, image: image, server: server)
            let threshold = try request.number("threshold", in: 0...1).map(Float.init)
            let z = try request.integer("z", default: 0, in: 0...100_000)!
            let project = try await server.store.project(image.projectID)
            let data = try await offloaded {
                guard map == "measurements.csv" else { return try PredictionMaps.render(map, result: result, threshold: threshold, z: z) }
                return try PredictionMaps.measurements(
                    image: image, project: project, labels: try result.labels(threshold: threshold), blobs: server.blobs)
            }
            let stem = (image.name as NSString).deletingPathExtension
            return BinaryBody.response(
                data, contentType: BinaryBody.contentType(for: (map as NSString).pathExtension),
                filename: "\(stem)_\(map)")
        }
    }

    static func prediction(_ request: Request, image: ImageRecord, server: ServerContext) async throws -> PredictionResult {
        let choice = try await model(request.uri.queryParameters.get("model"), projectID: image.projectID, server: server)
        return try await server.inference.prediction(
            of: image, modelKey: choice.key, modelPath: choice.path, checksum: choice.checksum)
    }

    /// The model `reference` names: nil or "latest" (the project's newest version), "job:<id>" (a job's best
    /// weights so far), or a model id of the same project.
    static func model(_ reference: String?, projectID: String, server: ServerContext) async throws -> ModelChoice {
        switch reference {
        case nil, "latest":
            guard let latest = try await server.store.models(in: projectID).first else {
                throw ServerError.conflict("the project has no model yet: train one first")
            }
            return ModelChoice(key: latest.id, path: latest.path, checksum: latest.checksum)
        case let reference? where reference.hasPrefix("job:"):
            let job = try await server.store.job(try ServerContext.id(String(reference.dropFirst(4)), kind: "job"))
            guard job.projectID == projectID else { throw ServerError.notFound("job \(job.id) belongs to another project") }
            if let modelID = job.modelID, job.state.isFinal {
                let model = try await server.store.model(modelID)
                return ModelChoice(key: model.id, path: model.path, checksum: model.checksum)
            }
            let path = "\(job.workPath)/model.safetensors"
            guard server.blobs.exists(path) else {
                throw ServerError.conflict("job \(job.id) has not finished an epoch yet; try again in a moment")
            }
            return ModelChoice(key: "job:\(job.id)", path: path, checksum: nil)
        case let id?:
            let model = try await server.store.model(try ServerContext.id(id, kind: "model"))
            guard model.projectID == projectID else { throw ServerError.notFound("model \(id) belongs to another project") }
            return ModelChoice(key: model.id, path: model.path, checksum: model.checksum)
        }
    }
}

/// The files a prediction is served as.
enum PredictionMaps {
    static let names: Set<String> = [
        "labels.tif", "labels.png", "labels.zip", "probabilities.tif", "entropy.tif", "foreground.png", "entropy.png",
        "measurements.csv",
    ]

    /// One CSV row per cell: label, area, centroid and the mean of each channel (as stored, before normalisation).
    static func measurements(image: ImageRecord, project: ProjectRecord, labels: LabelImage, blobs: BlobStore) throws -> Data {
        let data = try blobs.read(image.path, checksum: image.checksum)
        var pixels = try InputPreparation.reducedChannels(of: try ImageFormats.decode(data, source: image.name).image())
        if pixels.channels == 3, project.channelNames.count == 1 { pixels = try InputPreparation.grey(pixels) }
        let names = pixels.channels == project.channelNames.count
            ? project.channelNames : (0..<pixels.channels).map { "channel\($0)" }
        let rows = try InstanceMeasurement.measure(labels, in: pixels)
        return Data(InstanceMeasurement.csv(rows, channelNames: names, dimensions: labels.shape.count).utf8)
    }

    static func render(_ map: String, result: PredictionResult, threshold: Float?, z: Int) throws -> Data {
        switch map {
        case "labels.tif": return try ImageFormats.encode(try result.labels(threshold: threshold), format: .tiff)
        case "labels.zip": return try ImageFormats.encode(try result.labels(threshold: threshold), format: .imagejROIZip)
        case "labels.png":
            let labels = try result.labels(threshold: threshold)
            let plane = try slice(labels.labels.map(Float.init), shape: result.shape, z: z)
            return try ImageFormats.encode(
                try LabelImage(shape: plane.shape, labels: plane.values.map { UInt32($0) }), format: .png)
        case "probabilities.tif":
            let classes = result.probabilities.count / result.pixelCount
            return try ImageFormats.encode(
                try Image(shape: [classes] + result.shape, pixels: result.probabilities, sourceType: .float32), format: .tiff)
        case "entropy.tif":
            return try ImageFormats.encode(try Image(shape: [1] + result.shape, pixels: result.entropy, sourceType: .float32), format: .tiff)
        case "foreground.png":
            return try png(try slice(result.foreground, shape: result.shape, z: z), scale: 255)
        case "entropy.png":
            return try png(try slice(result.entropy, shape: result.shape, z: z), scale: 255 / Float(log(2.0)))
        default:
            throw ServerError.notFound("no prediction map '\(map)'")
        }
    }

    /// Slice `z` of a `([Z,] Y, X)` map.
    static func slice(_ values: [Float], shape: [Int], z: Int) throws -> (values: [Float], shape: [Int]) {
        guard shape.count == 3 else {
            guard z == 0 else { throw ServerError.unprocessable("slice z=\(z) does not exist: the image is 2D") }
            return (values, shape)
        }
        guard (0..<shape[0]).contains(z) else {
            throw ServerError.unprocessable("slice z=\(z) does not exist: the stack has slices 0...\(shape[0] - 1)")
        }
        let plane = shape[1] * shape[2]
        return (Array(values[(z * plane)..<((z + 1) * plane)]), [shape[1], shape[2]])
    }

    static func png(_ map: (values: [Float], shape: [Int]), scale: Float) throws -> Data {
        let pixels = map.values.map { min(255, max(0, ($0 * scale).rounded())) }
        return try ImageFormats.encode(try Image(shape: [1] + map.shape, pixels: pixels, sourceType: .uint8), format: .png)
    }
}
