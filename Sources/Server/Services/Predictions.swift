import Foundation
import Storage
import Training

/// Predictions as clients ask for them: by image id and model reference, as a summary, a map file or the most
/// uncertain regions. The heavy work runs off the event loops.
struct Predictions: Sendable {
    let store: any Store
    let models: ModelCatalog
    let inference: InferenceService
    let exports: PredictionExports

    /// The prediction of `image` by `model` (cached, or computed now on the inference queue).
    func prediction(of image: ImageRecord, model: ModelReference) async throws -> PredictionResult {
        try await inference.prediction(of: image, model: try await models.resolve(model, projectID: image.projectID))
    }

    /// The image, its prediction and the summary clients see: instances at `threshold` (the model's when nil),
    /// up to `regionCount` uncertain windows of `regionSize`, and outlines when asked.
    func summary(
        imageID: String, model: ModelReference, threshold: Float?, regionCount: Int, regionSize: Int, outlines: Bool
    ) async throws -> (image: ImageRecord, result: PredictionResult, summary: PredictionSummary) {
        let image = try await store.image(imageID)
        let result = try await prediction(of: image, model: model)
        let summary = try await offloaded { [exports] in
            try exports.summary(
                of: result, threshold: threshold, regionCount: regionCount, regionSize: regionSize, outlines: outlines)
        }
        return (image, result, summary)
    }

    /// `map` of the prediction of image `imageID` as a file, and the name to offer it under.
    func map(
        _ map: PredictionMap, imageID: String, model: ModelReference, threshold: Float?, z: Int
    ) async throws -> (data: Data, filename: String) {
        let image = try await store.image(imageID)
        let result = try await prediction(of: image, model: model)
        let project = try await store.project(image.projectID)
        let data = try await offloaded { [exports] in
            try exports.render(map, of: result, threshold: threshold, z: z, image: image, project: project)
        }
        return (data, "\((image.name as NSString).deletingPathExtension)_\(map.rawValue)")
    }

    /// Up to `count` non-overlapping `size`×`size` windows of image `imageID` by mean entropy under `model`.
    func uncertainRegions(imageID: String, model: ModelReference, count: Int, size: Int) async throws
        -> [UncertainRegion]
    {
        let result = try await prediction(of: try await store.image(imageID), model: model)
        return try await offloaded { result.uncertainRegions(count: count, size: size) }
    }
}
