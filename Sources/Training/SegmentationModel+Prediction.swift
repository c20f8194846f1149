import Imaging

/// A model's output for one image.
public struct Segmentation: Sendable {
    /// `(K, [Z,] Y, X)` probabilities, row-major.
    public var probabilities: [Float]
    /// Instances (or the class map for the classes task), `([Z,] Y, X)`.
    public var labels: LabelImage
}

extension SegmentationModel {
    /// Prepares `image` as in training, predicts tile by tile (averaging the four mirror images with
    /// `flipAveraging`), and decodes labels with `instances` (default: the model's own instance options).
    ///
    /// - Throws: `TrainingError.incompatibleImage` for a channel count or rank the model cannot take.
    public func segment(
        _ image: Image, source: String, predictor: TiledPredictor, instances: InstanceOptions? = nil,
        monteCarloSamples: Int = 0, flipAveraging: Bool = false
    ) throws -> Segmentation {
        guard image.spatialShape.count == network.configuration.dimensions else {
            throw TrainingError.incompatibleImage(
                source: source,
                reason: "it is \(image.spatialShape.count)D (shape \(image.shape)); the model is "
                    + "\(network.configuration.dimensions)D")
        }
        let prepared = try info.input.prepare(image, source: source)
        let probabilities = try flipAveraging
            ? predictor.flipAveragedProbabilities(of: prepared, monteCarloSamples: monteCarloSamples)
            : predictor.probabilities(of: prepared, monteCarloSamples: monteCarloSamples)
        let decoder = InstanceDecoder(task: info.task, options: instances ?? info.instances)
        var labels = try decoder.labels(from: probabilities, shape: prepared.spatialShape)
        labels.spacing = image.spacing
        return Segmentation(probabilities: probabilities, labels: labels)
    }
}
