import Foundation
import Storage
import Synchronization
import Training

/// How the next image to annotate is chosen.
enum NextImageStrategy: String, CaseIterable, Sendable {
    /// The image the model is least sure of (highest mean entropy).
    case uncertainty
    case random
    case first
    case last
}

/// "Annotate here next": the next image by uncertainty (or random, first, last), from a model's mean entropy (Monte
/// Carlo dropout × checkpoints). Ranking never waits for a whole project's predictions: images whose entropy under
/// the model is known (cached, or recorded with the image) are ranked at once; when none is known, up to
/// `synchronousPredictions` are predicted first; the rest are predicted in the background, one at a time, so
/// later answers rank more of them.
final class ActiveLearning: Sendable {
    /// The suggestion, with its mean entropy and 3 most uncertain 64-pixel windows (uncertainty only), and how
    /// many candidates were ranked and how many are still being predicted.
    struct Suggestion: Sendable {
        var image: ImageRecord
        var meanEntropy: Double?
        var regions: [UncertainRegion]?
        var rankedImages: Int?
        var pendingImages: Int?
    }

    /// Predictions an answer may wait for when no candidate's entropy is known yet.
    static let synchronousPredictions = 4
    /// How long a background prediction waits for other predictions to finish before looking again.
    static let backgroundPause = Duration.milliseconds(200)

    let store: any Store
    let models: ModelCatalog
    let inference: InferenceService
    /// Projects × models whose missing predictions are being computed in the background.
    private let backgroundRuns = Mutex<Set<String>>([])

    init(store: any Store, models: ModelCatalog, inference: InferenceService) {
        self.store = store
        self.models = models
        self.inference = inference
    }

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
        var known = images.compactMap { image in knownEntropy(of: image, model: resolved).map { (image, $0) } }
        let knownIDs = Set(known.map(\.0.id))
        var missing = images.filter { !knownIDs.contains($0.id) }
        if known.isEmpty {
            for image in missing.prefix(Self.synchronousPredictions) {
                known.append((image, try await inference.prediction(of: image, model: resolved).meanEntropy))
            }
            missing.removeFirst(min(missing.count, Self.synchronousPredictions))
        }
        guard let best = known.max(by: { $0.1 < $1.1 }) else {
            throw ServiceError.notFound("the project has no image to suggest")
        }
        let result = try await inference.prediction(of: best.0, model: resolved)
        // A running job's weights change every epoch: predicting the whole project with them would be wasted.
        if !resolved.isJobSnapshot { predictInBackground(missing, model: resolved, projectID: projectID) }
        let regions = try await offloaded { result.uncertainRegions(count: 3, size: 64) }
        return Suggestion(
            image: try await store.image(best.0.id), meanEntropy: result.meanEntropy, regions: regions,
            rankedImages: known.count, pendingImages: missing.count)
    }

    /// The mean entropy of `image` under `model` if it is known without predicting: cached, or recorded.
    func knownEntropy(of image: ImageRecord, model: ResolvedModel) -> Double? {
        if let cached = inference.cached(image: image, modelKey: model.key) { return cached.meanEntropy }
        guard !model.isJobSnapshot, image.predictedModelID == model.key else { return nil }
        return image.meanEntropy
    }

    /// Predicts `images` one after another in the background (once per project and model at a time), each only
    /// when no other prediction is waiting, so people asking for predictions go first and never get a 503 for
    /// these. A failure other than a full queue ends the run: the images left are predicted by a later call.
    private func predictInBackground(_ images: [ImageRecord], model: ResolvedModel, projectID: String) {
        let key = "\(projectID)@\(model.key)"
        guard !images.isEmpty, backgroundRuns.withLock({ $0.insert(key).inserted }) else { return }
        Task.detached(priority: .background) { [self] in
            defer { _ = backgroundRuns.withLock { $0.remove(key) } }
            var index = 0
            while index < images.count {
                if inference.pendingCount > 0 {
                    try? await Task.sleep(for: Self.backgroundPause)
                    continue
                }
                do {
                    _ = try await inference.prediction(of: images[index], model: model)
                    index += 1
                } catch ServiceError.busy {
                    try? await Task.sleep(for: Self.backgroundPause)
                } catch {
                    return
                }
            }
        }
    }
}
