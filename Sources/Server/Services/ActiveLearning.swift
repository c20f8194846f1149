import Foundation
import Storage
import Training

/// How the next image to annotate is chosen.
enum NextImageStrategy: String, CaseIterable, Sendable {
    /// The image the model is least sure of (highest mean entropy).
    case uncertainty
    case random
    case first
    case last
}

/// "Annotate here next": the next image by uncertainty (or random, first, last) and the most uncertain regions of
/// an image, from a model's mean entropy (Monte Carlo dropout × checkpoints).
struct ActiveLearning: Sendable {
    /// The suggestion, with its mean entropy and 3 most uncertain 64-pixel windows (uncertainty only).
    struct Suggestion: Sendable {
        var image: ImageRecord
        var meanEntropy: Double?
        var regions: [UncertainRegion]?
    }

    let store: any Store
    let models: ModelCatalog
    let inference: InferenceService

    /// The next image of the project by `strategy`, leaving out `excluded` image ids.
    ///
    /// - Throws: `ServiceError.notFound` when no image is left; `ServiceError.notReady` (uncertainty) without a model.
    func nextImage(
        in projectID: String, strategy: NextImageStrategy, excluding excluded: Set<String>, model: ModelReference
    ) async throws -> Suggestion {
        _ = try await store.project(projectID)
        let images = try await store.images(in: projectID).filter { !excluded.contains($0.id) }
        guard let first = images.first, let last = images.last else {
            throw ServiceError.notFound("the project has no image to suggest")
        }
        switch strategy {
        case .first: return Suggestion(image: first)
        case .last: return Suggestion(image: last)
        case .random: return Suggestion(image: images.randomElement() ?? first)
        case .uncertainty: break
        }
        let resolved = try await models.resolve(model, projectID: projectID)
        // Every candidate's entropy under the same model (computed now where missing, then cached).
        var best: (image: ImageRecord, result: PredictionResult)?
        for image in images {
            let result = try await inference.prediction(of: image, model: resolved)
            if best.map({ result.meanEntropy > $0.result.meanEntropy }) ?? true { best = (image, result) }
        }
        guard let best else { throw ServiceError.notFound("the project has no image to suggest") }
        let regions = try await offloaded { [result = best.result] in result.uncertainRegions(count: 3, size: 64) }
        return Suggestion(
            image: try await store.image(best.image.id), meanEntropy: best.result.meanEntropy, regions: regions)
    }
}
