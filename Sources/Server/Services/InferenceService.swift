import Basics
import Foundation
import ImageFormats
import Imaging
import Storage
import Synchronization
import Training

/// Predictions on demand, at any time (also while a job trains: the engine interleaves their operations).
/// One prediction runs at a time; results and loaded models are cached.
final class InferenceService: Sendable {
    /// A loaded model; only used on the inference queue or the thread that loaded it.
    private final class LoadedModel: @unchecked Sendable {
        let model: SegmentationModel
        let predictor: TiledPredictor
        init(_ model: SegmentationModel) throws {
            self.model = model
            self.predictor = try model.predictor()
        }
    }

    let blobs: BlobStore
    let store: any Store
    let passes: Int
    let metrics: ServerMetrics
    private let models = LRUCache<String, LoadedModel>(capacity: 4)
    private let results: LRUCache<String, PredictionResult>
    private let queue = DispatchQueue(label: "cellscribe.inference", qos: .userInitiated)
    /// Predictions waiting for the queue or running on it.
    private let pending = Mutex(0)
    /// Predictions that may wait behind the running one.
    let maxQueued: Int

    init(blobs: BlobStore, store: any Store, passes: Int, cacheBytes: Int, maxQueued: Int, metrics: ServerMetrics) {
        self.blobs = blobs
        self.store = store
        self.passes = passes
        self.metrics = metrics
        self.maxQueued = maxQueued
        self.results = LRUCache(capacity: cacheBytes)
    }

    /// Predictions waiting or running now.
    var pendingCount: Int { pending.withLock { $0 } }

    func forget(imageID: String) { results.removeAll { $0.hasPrefix(imageID + "@") } }
    func forget(modelKey: String) { results.removeAll { $0.hasSuffix("@" + modelKey) } }

    /// The cached prediction of `image` by `modelKey`, if any.
    func cached(image: ImageRecord, modelKey: String) -> PredictionResult? { results["\(image.id)@\(modelKey)"] }

    /// Predicts `image` with `model` (its file verified against its checksum when it has one), or returns the
    /// cached result. Records the image's mean entropy for stored models.
    func prediction(of image: ImageRecord, model: ResolvedModel) async throws -> PredictionResult {
        if let cached = cached(image: image, modelKey: model.key) { return cached }
        let admitted = pending.withLock { count in
            guard count <= maxQueued else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw ServiceError.busy(
                "\(maxQueued) predictions are already waiting; try again in a few seconds", retryAfterSeconds: 5)
        }
        let result = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let result = Result { try self.predictNow(image: image, model: model) }
                // Counted out before the caller resumes, so a caller never sees its own prediction as pending.
                self.pending.withLock { $0 -= 1 }
                continuation.resume(with: result)
            }
        }
        if !model.isJobSnapshot {
            try await store.updatePrediction(of: image.id, modelID: model.key, meanEntropy: result.meanEntropy)
        }
        return result
    }

    /// The prediction, computed on the calling thread (the training thread's previews use this directly).
    func predictNow(image: ImageRecord, model: ResolvedModel) throws -> PredictionResult {
        let modelKey = model.key
        let key = "\(image.id)@\(modelKey)"
        if let cached = results[key] { return cached }
        let start = ContinuousClock.now
        let loaded: LoadedModel
        if let cached = models[modelKey] {
            loaded = cached
        } else {
            // Checked and parsed from the same bytes: a damaged model file is reported, never used.
            let data = try blobs.read(model.path, checksum: model.checksum)
            loaded = try LoadedModel(try SegmentationModel(data: data, source: "model \(modelKey)"))
            if !model.isJobSnapshot { models.insert(loaded, for: modelKey, cost: 1) }
        }
        let data = try blobs.read(image.path, checksum: image.checksum)
        let decoded = try ImageFormats.decode(data, source: image.name).image()
        let segmentation = try loaded.model.segment(
            decoded, source: image.name, predictor: loaded.predictor, monteCarloSamples: passes,
            measuresUncertainty: true)
        let result = PredictionResult(
            imageID: image.id, modelKey: modelKey, task: loaded.model.info.task,
            instanceOptions: loaded.model.info.instances, segmentation: segmentation,
            seconds: (ContinuousClock.now - start).seconds)
        results.insert(result, for: key, cost: result.byteCost)
        metrics.predictions.increment()
        metrics.predictionSeconds.record(ContinuousClock.now - start)
        return result
    }
}
