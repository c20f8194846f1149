import Foundation
import Hummingbird

/// Inference at any time (also while a job trains): a JSON summary with instances, mean entropy, the most
/// uncertain regions and outlines, and the maps as TIFF (full precision) or PNG (display).
enum PredictionRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.get("/api/images/{image}/prediction") { request, context in
            let answer = try await services.predictions.summary(
                imageID: try await context.image(to: .view, in: services).id,
                model: try ModelReference(parsing: request.query("model")),
                threshold: try request.number("threshold", in: 0...1).map(Float.init),
                regionCount: try request.integer("regions", default: 3, in: 0...50),
                regionSize: try request.integer("regionSize", default: 64, in: 8...1024),
                outlines: try request.flag("outlines"))
            return JSONBody.response(PredictionDTO(image: answer.image, result: answer.result, summary: answer.summary))
        }
        router.get("/api/images/{image}/prediction/{map}") { request, context in
            let imageID = try await context.image(to: .view, in: services).id
            let name = context.parameters.get("map") ?? ""
            guard let map = PredictionMap(rawValue: name) else {
                let names = PredictionMap.allCases.map(\.rawValue).sorted().joined(separator: ", ")
                throw ServerError.notFound("no prediction map '\(name)'; maps: \(names)")
            }
            let file = try await services.predictions.map(
                map, imageID: imageID, model: try ModelReference(parsing: request.query("model")),
                threshold: try request.number("threshold", in: 0...1).map(Float.init),
                z: try request.integer("z", default: 0, in: 0...100_000))
            return BinaryBody.response(
                file.data, contentType: BinaryBody.contentType(for: map.fileExtension), filename: file.filename)
        }
    }
}
