import Foundation
import Imaging

/// A model's output for one image, and the summaries every front end shows of it (the CLI's report and
/// `uncertainty.csv`, the server's prediction and active-learning answers).
public struct SegmentationResult: Sendable {
    /// `(K, [Z,] Y, X)` probabilities, row-major; for a scribbles model with several tasks, every task's classes
    /// in task order.
    public var probabilities: [Float]
    /// Instances (or the class map for the classes task), `([Z,] Y, X)`; of the first task for a scribbles model
    /// with several.
    public var labels: LabelImage
    /// Scribbles models with several tasks: the instances of tasks 2, 3, ...
    public var taskLabels: [LabelImage] = []
    /// With uncertainty: the variance of each class probability across the passes, `(K, [Z,] Y, X)`.
    public var variance: [Float]? = nil
    /// With uncertainty: the binary entropy (nats) of the mean foreground probability 1 − P(background),
    /// `([Z,] Y, X)`; 0 where the model is sure, ln 2 ≈ 0.693 where it is undecided.
    public var entropy: [Float]? = nil

    public init(
        probabilities: [Float], labels: LabelImage, taskLabels: [LabelImage] = [], variance: [Float]? = nil,
        entropy: [Float]? = nil
    ) {
        self.probabilities = probabilities
        self.labels = labels
        self.taskLabels = taskLabels
        self.variance = variance
        self.entropy = entropy
    }

    /// `(Y, X)` or `(Z, Y, X)`.
    public var spatialShape: [Int] { labels.shape }

    /// The mean of the entropy map, nats (nil without uncertainty).
    public var meanEntropy: Double? {
        entropy.map { map in map.reduce(0.0) { $0 + Double($1) } / Double(max(map.count, 1)) }
    }

    /// Up to `count` non-overlapping `size`×`size` windows by mean entropy, most uncertain first ("annotate here
    /// next"); empty without uncertainty.
    public func uncertainRegions(count: Int, size: Int = 64) -> [UncertainRegion] {
        guard let entropy else { return [] }
        return UncertainRegion.mostUncertain(in: entropy, shape: spatialShape, count: count, size: size)
    }
}
