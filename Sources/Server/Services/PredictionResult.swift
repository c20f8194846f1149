import Foundation
import Imaging
import Training

/// One image predicted by one model: mean class probabilities over the model's checkpoints × Monte Carlo
/// dropout passes, the binary entropy of the foreground, and the model's own instances.
struct PredictionResult: Sendable {
    var imageID: String
    /// The model id, or `job:<id>` for a running job's weights.
    var modelKey: String
    var task: SegmentationTask
    /// The model's tuned instance options (the client may override the threshold).
    var instanceOptions: InstanceOptions
    /// Probabilities `(K, [Z,] Y, X)` (class 0 background), entropy, instances.
    var segmentation: SegmentationResult
    var seconds: Double

    /// `(Y, X)` or `(Z, Y, X)`.
    var shape: [Int] { segmentation.spatialShape }
    var pixelCount: Int { shape.reduce(1, *) }
    var probabilities: [Float] { segmentation.probabilities }
    /// `([Z,] Y, X)`, nats.
    var entropy: [Float] { segmentation.entropy ?? [] }
    var meanEntropy: Double { segmentation.meanEntropy ?? 0 }
    var labels: LabelImage { segmentation.labels }
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
        segmentation.uncertainRegions(count: count, size: size)
    }
}
