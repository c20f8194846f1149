import Foundation
import Hummingbird

/// "Annotate here next": the next image by uncertainty (or random, first, last), and the most uncertain regions
/// of an image, both from a model's mean entropy (Monte Carlo dropout × checkpoints).
enum ActiveLearningRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.get("/api/projects/{project}/next-image") { request, context in
            let projectID = try await context.project(to: .view, in: services).id
            let strategy = try request.choice("strategy", default: NextImageStrategy.uncertainty)
            let excluded = Set((request.query("exclude") ?? "").split(separator: ",").map(String.init))
            let model = strategy == .uncertainty ? try ModelReference(parsing: request.query("model")) : .latest
            let suggestion = try await services.activeLearning.nextImage(
                in: projectID, strategy: strategy, excluding: excluded, model: model)
            return JSONBody.response(NextImageDTO(strategy: strategy.rawValue, suggestion: suggestion))
        }
        router.get("/api/images/{image}/uncertain-regions") { request, context in
            let regions = try await services.predictions.uncertainRegions(
                imageID: try await context.image(to: .view, in: services).id,
                model: try ModelReference(parsing: request.query("model")),
                count: try request.integer("count", default: 5, in: 1...50),
                size: try request.integer("size", default: 64, in: 8...1024))
            return JSONBody.response(regions.map(RegionDTO.init))
        }
    }
}
