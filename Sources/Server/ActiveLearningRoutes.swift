import Foundation
import Hummingbird
import Storage

/// "Annotate here next": the next image by uncertainty (or random, first, last), and the most uncertain regions
/// of an image, both from the latest model's mean entropy (Monte Carlo dropout × checkpoints).
enum ActiveLearningRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.get("/api/projects/{project}/next-image") { request, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            let strategy = request.uri.queryParameters.get("strategy") ?? "uncertainty"
            let excluded = Set((request.uri.queryParameters.get("exclude") ?? "").split(separator: ",").map(String.init))
            let images = try await server.store.images(in: projectID).filter { !excluded.contains($0.id) }
            guard !images.isEmpty else { throw ServerError.notFound("the project has no image to suggest") }
            switch strategy {
            case "first": return JSONBody.response(NextImageDTO(strategy: strategy, image: ImageDTO(images.first!)))
            case "last": return JSONBody.response(NextImageDTO(strategy: strategy, image: ImageDTO(images.last!)))
            case "random": return JSONBody.response(NextImageDTO(strategy: strategy, image: ImageDTO(images.randomElement()!)))
            case "uncertainty": break
            default: throw ServerError.badRequest("strategy must be uncertainty, random, first or last, not '\(strategy)'")
            }
            let choice = try await PredictionRoutes.model(request.uri.queryParameters.get("model"), projectID: projectID, server: server)
            // Every candidate's entropy under the same model (computed now where missing, then cached).
            var best: (image: ImageRecord, result: PredictionResult)?
            for image in images {
                let result = try await server.inference.prediction(
                    of: image, modelKey: choice.key, modelPath: choice.path, checksum: choice.checksum)
                if best == nil || result.meanEntropy > best!.result.meanEntropy { best = (image, result) }
            }
            let chosen = try await server.store.image(best!.image.id)
            return JSONBody.response(NextImageDTO(
                strategy: strategy, image: ImageDTO(chosen), meanEntropy: best!.result.meanEntropy,
                regions: best!.result.uncertainRegions(count: 3, size: 64).map {
                    RegionDTO(y: $0.y, x: $0.x, size: $0.size, meanEntropy: $0.meanUncertainty)
                }))
        }
        router.get("/api/images/{image}/uncertain-regions") { request, context in
            let image = try await ImageRoutes.image(context, server)
            let count = try request.integer("count", default: 5, in: 1...50)!
            let size = try request.integer("size", default: 64, in: 8...1024)!
            let result = try await PredictionRoutes.prediction(request, image: image, server: server)
            return JSONBody.response(result.uncertainRegions(count: count, size: size).map {
                RegionDTO(y: $0.y, x: $0.x, size: $0.size, meanEntropy: $0.meanUncertainty)
            })
        }
    }
}
