import Foundation
import ImageFormats
import Imaging
import Storage
import Synchronization
import Training

/// One image predicted by one model: mean class probabilities over the model's checkpoints × Monte Carlo
/// dropout passes, the binary entropy of the foreground, and the model's own instances.
struct PredictionResult: Sendable {
    var imageID: String
    var modelKey: String
    /// `(Y, X)` or `(Z, Y, X)`.
    var shape: [Int]
    var task: SegmentationTask
    /// `(K, [Z,] Y, X)`, class 0 background.
    var probabilities: [Float]
    /// `([Z,] Y, X)`, nats.
    var entropy: [Float]
    var meanEntropy: Double
    /// The model's tuned instance options (the client may override the threshold).
    var instanceOptions: InstanceOptions
    var labels: LabelImage
    var seconds: Double

    var pixelCount: Int { shape.reduce(1, *) }
    var byteCost: Int { (probabilities.count + entropy.count + labels.labels.count) * 4 }

    /// P(foreground) = 1 − P(background) per pixel.
    var foreground: [Float] { (0..<pixelCount).map { 1 - probabilities[$0] } }

    /// Instances at `threshold` on the foreground probability (the model's own labels when nil or equal).
    func labels(threshold: Float?) throws -> LabelImage {
        guard let threshold, threshold != instanceOptions.foregroundThreshold else { return labels }
        var options = instanceOptions
        options.foregroundThreshold = threshold
        var result = try InstanceDecoder(task: task, options: options).labels(from: probabilities, shape: shape)
        result.spacing = labels.spacing
        return result
    }

    /// Up to `count` non-overlapping `size`×`size` windows by mean entropy, most uncertain first.
    func uncertainRegions(count: Int, size: Int) -> [UncertainRegion] {
        var map = entropy
        var regions: [UncertainRegion] = []
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let plane = height * width
        for _ in 0..<count {
            let region = UncertainRegion.mostUncertain(in: map, shape: shape, size: size)
            guard region.meanUncertainty > 0 || regions.isEmpty else { break }
            regions.append(region)
            for z in 0..<(shape.count == 3 ? shape[0] : 1) {
                for y in region.y..<min(height, region.y + region.size) {
                    for x in region.x..<min(width, region.x + region.size) { map[z * plane + y * width + x] = -1 }
                }
            }
        }
        return regions
    }
}

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

    init(blobs: BlobStore, store: any Store, passes: Int, cacheBytes: Int, metrics: ServerMetrics) {
        self.blobs = blobs
        self.store = store
        self.passes = passes
        self.metrics = metrics
        self.results = LRUCache(capacity: cacheBytes)
    }

    func forget(imageID: String) { results.removeAll { $0.hasPrefix(imageID + "@") } }
    func forget(modelKey: String) { results.removeAll { $0.hasSuffix("@" + modelKey) } }

    /// The cached prediction of `image` by `modelKey`, if any.
    func cached(image: ImageRecord, modelKey: String) -> PredictionResult? { results["\(image.id)@\(modelKey)"] }

    /// Predicts `image` with the model stored at `modelPath` (verified against `checksum` when given), or returns the
    /// cached result for `modelKey`. Records the image's mean entropy when `recordsInStore`.
    func prediction(
        of image: ImageRecord, modelKey: String, modelPath: String, checksum: String?, recordsInStore: Bool = true
    ) async throws -> PredictionResult {
        if let cached = cached(image: image, modelKey: modelKey) { return cached }
        let result = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result {
                    try self.predictNow(image: image, modelKey: modelKey, modelPath: modelPath, checksum: checksum)
                })
            }
        }
        if recordsInStore, !modelKey.hasPrefix("job:") {
            try await store.updatePrediction(of: image.id, modelID: modelKey, meanEntropy: result.meanEntropy)
        }
        return result
    }

    /// The prediction, computed on the calling thread (the training thread's previews use this directly).
    func predictNow(image: ImageRecord, modelKey: String, modelPath: String, checksum: String?) throws -> PredictionResult {
        let key = "\(image.id)@\(modelKey)"
        if let cached = results[key] { return cached }
        let start = ContinuousClock.now
        let loaded: LoadedModel
        if let cached = models[modelKey] {
            loaded = cached
        } else {
            // Checked and parsed from the same bytes: a damaged model file is reported, never used.
            let data = try blobs.read(modelPath, checksum: checksum)
            loaded = try LoadedModel(try SegmentationModel(data: data, source: modelPath))
            if !modelKey.hasPrefix("job:") { models.insert(loaded, for: modelKey, cost: 1) }
        }
        let data = try blobs.read(image.path, checksum: image.checksum)
        let decoded = try ImageFormats.decode(data, source: image.name).image()
        let segmentation = try loaded.model.segment(
            decoded, source: image.name, predictor: loaded.predictor, monteCarloSamples: passes, measuresUncertainty: true)
        let entropy = segmentation.entropy ?? []
        let result = PredictionResult(
            imageID: image.id, modelKey: modelKey, shape: decoded.spatialShape, task: loaded.model.info.task,
            probabilities: segmentation.probabilities, entropy: entropy,
            meanEntropy: entropy.reduce(0.0) { $0 + Double($1) } / Double(max(entropy.count, 1)),
            instanceOptions: loaded.model.info.instances, labels: segmentation.labels,
            seconds: (ContinuousClock.now - start).seconds)
        results.insert(result, for: key, cost: result.byteCost)
        metrics.predictions.increment()
        metrics.predictionSeconds.record(ContinuousClock.now - start)
        return result
    }
}

