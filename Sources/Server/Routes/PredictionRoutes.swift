import Foundation
import Hummingbird
import Storage

/// Inference at any time (also while a job trains): a JSON summary with instances, mean entropy, the most
/// uncertain regions and outlines, and the maps as TIFF (full precision) or PNG (display).
enum PredictionRoutes {
    static func add(to router: Router<BasicRequestContext>, services: ServerServices) {
        router.get("/api/images/{image}/prediction") { request, context in
            let image = try await ImageRoutes.image(context, services)
            let result = try await prediction(request, image: image, services: services)
            let threshold = try request.number("threshold", in: 0...1).map(Float.init)
            let count = try request.integer("regions", default: 3, in: 0...50)
            let size = try request.integer("regionSize", default: 64, in: 8...1024)
            let outlines = try request.flag("outlines")
            let summary = try await offloaded {
                try services.exports.summary(
                    of: result, threshold: threshold, regionCount: count, regionSize: size, outlines: outlines)
            }
            return JSONBody.response(PredictionDTO(image: image, result: result, summary: summary))
        }
        router.get("/api/images/{image}/prediction/{map}") { request, context in
            let image = try await ImageRoutes.image(context, services)
            let name = context.parameters.get("map") ?? ""
            guard let map = PredictionMap(rawValue: name) else {
                let names = PredictionMap.allCases.map(\.rawValue).sorted().joined(separator: ", ")
                throw ServerError.notFound("no prediction map '\(name)'; maps: \(names)")
            }
            let result = try await prediction(request, image: image, services: services)
            let threshold = try request.number("threshold", in: 0...1).map(Float.init)
            let z = try request.integer("z", default: 0, in: 0...100_000)
            let project = try await services.projects.project(image.projectID)
            let data = try await offloaded {
                try services.exports.render(map, of: result, threshold: threshold, z: z, image: image, project: project)
            }
            let stem = (image.name as NSString).deletingPathExtension
            return BinaryBody.response(
                data, contentType: BinaryBody.contentType(for: map.fileExtension), filename: "\(stem)_\(map.rawValue)")
        }
    }

    /// The prediction of `image` by the model `?model=` names (default: the latest).
    static func prediction(_ request: Request, image: ImageRecord, services: ServerServices) async throws
        -> PredictionResult
    {
        try await services.activeLearning.prediction(
            of: image, model: try ModelReference(parsing: request.query("model")))
    }
}
