import Foundation
import Imaging

extension SegmentationModel {
    /// Prepares `image` as in training, resizes it so its cells have the model's cell diameter (see
    /// `cellScaledProbabilities`; `cellDiameter` is the user's measure of them, in pixels), predicts tile by tile
    /// (averaging the four mirror images with `flipAveraging`), and decodes labels with `instances` (default: the
    /// model's own instance options; their sizes count pixels of the resized image) at that size. Labels and maps
    /// are returned at the image's size.
    /// With `measuresUncertainty`, the Monte Carlo passes are kept apart to give each class probability's
    /// variance and the entropy of the foreground probability.
    ///
    /// - Throws: `TrainingError.incompatibleImage` for a channel count or rank the model cannot take.
    public func segment(
        _ image: Image, source: String, predictor: TiledPredictor, instances: InstanceOptions? = nil,
        monteCarloSamples: Int = 0, flipAveraging: Bool = false, measuresUncertainty: Bool = false,
        cellDiameter: Double? = nil
    ) throws -> SegmentationResult {
        guard image.spatialShape.count == network.configuration.dimensions else {
            throw TrainingError.incompatibleImage(
                source: source,
                reason: "it is \(image.spatialShape.count)D (shape \(image.shape)); the model is "
                    + "\(network.configuration.dimensions)D")
        }
        let prepared = try info.input.prepare(image, source: source)
        var variance: [Float]?
        var probabilities: [Float]
        let inputShape: [Int]
        if measuresUncertainty || monteCarloSamples > 0 || flipAveraging {
            let input = try CellScale.resized(
                prepared, by: try cellScale(of: prepared, predictor: predictor, cellDiameter: cellDiameter))
            if measuresUncertainty {
                let passes = try uncertainPasses(
                    input, predictor: predictor, samples: monteCarloSamples, flipAveraging: flipAveraging)
                probabilities = passes.mean
                variance = passes.variance
            } else {
                probabilities = try self.probabilities(
                    of: input, predictor: predictor, monteCarloSamples: monteCarloSamples, flipAveraging: flipAveraging)
            }
            inputShape = input.spatialShape
        } else {
            let scaled = try cellScaledProbabilities(of: prepared, predictor: predictor, cellDiameter: cellDiameter)
            probabilities = scaled.values
            inputShape = scaled.shape
        }
        let decoder = InstanceDecoder(task: info.task, options: instances ?? info.instances)
        // Each task's classes start at its probability offset (one task, at 0, for every other model).
        let layout = info.mixtureLayout
        let channelOffsets =
            layout.map { layout in layout.tasks.indices.map { layout.probabilityOffset(ofTask: $0) } } ?? [0]
        let taskLabels = try channelOffsets.map { channel in
            let offset = channel * inputShape.reduce(1, *)
            let decoded = try decoder.labels(
                from: offset == 0 ? probabilities : Array(probabilities[offset...]), shape: inputShape)
            var labels = try CellScale.restored(decoded, to: prepared.spatialShape)
            labels.spacing = image.spacing
            return labels
        }
        probabilities = try CellScale.restored(probabilities, from: inputShape, to: prepared.spatialShape)
        variance = try variance.map { try CellScale.restored($0, from: inputShape, to: prepared.spatialShape) }
        let entropy =
            measuresUncertainty ? Self.binaryEntropy(ofForeground: probabilities, pixels: prepared.planeCount) : nil
        return SegmentationResult(
            probabilities: probabilities, labels: taskLabels[0], taskLabels: Array(taskLabels.dropFirst()),
            variance: variance,
            entropy: entropy)
    }

    /// Class probabilities of a prepared image at its own size, averaged over the ensemble's networks (each with
    /// `predictor`'s tiling), their Monte Carlo passes and, with `flipAveraging`, the four mirror images.
    public func probabilities(
        of prepared: Image, predictor: TiledPredictor, monteCarloSamples: Int = 0, flipAveraging: Bool = false
    ) throws -> [Float] {
        var sum: [Float] = []
        for member in try predictors(like: predictor) {
            let p =
                try flipAveraging
                ? member.flipAveragedProbabilities(of: prepared, monteCarloSamples: monteCarloSamples)
                : member.probabilities(of: prepared, monteCarloSamples: monteCarloSamples)
            if sum.isEmpty { sum = p } else { for i in p.indices { sum[i] += p[i] } }
        }
        let scale = 1 / Float(networks.count)
        return sum.map { $0 * scale }
    }

    /// `predictor` and one predictor per ensemble member with the same head and tiling.
    func predictors(like predictor: TiledPredictor) throws -> [TiledPredictor] {
        try [predictor]
            + members.map {
                try TiledPredictor(
                    network: $0, head: predictor.head, tileShape: predictor.tileShape, overlap: predictor.overlap,
                    batchSize: predictor.batchSize)
            }
    }

    /// Mean and variance of the class probabilities over the ensemble's networks × Monte Carlo passes (one
    /// plain pass each when `samples` is 0), each pass flip-averaged when asked.
    private func uncertainPasses(
        _ prepared: Image, predictor: TiledPredictor, samples: Int, flipAveraging: Bool
    ) throws -> (mean: [Float], variance: [Float]) {
        var sum: [Float] = []
        var squares: [Float] = []
        let runs = try predictors(like: predictor).flatMap { member in (0..<max(samples, 1)).map { (member, $0) } }
        for (member, pass) in runs {
            let dropout = samples > 0 ? 1 : 0
            let seed = UInt64(pass) &* 0x9E37_79B9
            let p =
                try flipAveraging
                ? member.flipAveragedProbabilities(of: prepared, monteCarloSamples: dropout, seed: seed)
                : member.probabilities(of: prepared, monteCarloSamples: dropout, seed: seed)
            if sum.isEmpty {
                sum = p
                squares = p.map { $0 * $0 }
            } else {
                for i in p.indices {
                    sum[i] += p[i]
                    squares[i] += p[i] * p[i]
                }
            }
        }
        let scale = 1 / Float(runs.count)
        let mean = sum.map { $0 * scale }
        let variance = mean.indices.map { max(0, squares[$0] * scale - mean[$0] * mean[$0]) }
        return (mean, variance)
    }

    /// Binary entropy of 1 − P(class 0) per pixel (for sigmoid heads with one channel, of that channel).
    static func binaryEntropy(ofForeground probabilities: [Float], pixels: Int) -> [Float] {
        let singleSigmoid = probabilities.count == pixels
        return (0..<pixels).map { pixel in
            let p = min(max(singleSigmoid ? probabilities[pixel] : 1 - probabilities[pixel], 1e-7), 1 - 1e-7)
            return -(p * Foundation.log(p) + (1 - p) * Foundation.log(1 - p))
        }
    }
}
