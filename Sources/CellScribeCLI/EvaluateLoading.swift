import Foundation
import ImageFormats
import Imaging
import Metrics

/// Reads one prediction/ground-truth pair as instance label images and scores it.
enum EvaluateLoading {
    /// Scores `pair`: both files read as label images (ROI sets rasterised at the prediction's shape), binary
    /// masks split into connected components (noted in the result), shapes checked.
    /// Throws the reader's errors and `MetricsError.imageShapeMismatch`.
    static func evaluate(_ pair: EvaluatePairing.Pair, options: EvaluationOptions, limits: ReadLimits) throws
        -> ImageEvaluation
    {
        var notes: [String] = []
        let predicted = try instances(
            ImageFormats.readLabels(pair.prediction, limits: limits), role: "prediction", notes: &notes)
        let truthShape = predicted.isVolume ? nil : predicted.shape
        let truth = try instances(
            ImageFormats.readLabels(pair.truth, shape: truthShape, limits: limits), role: "ground truth", notes: &notes)
        guard predicted.shape == truth.shape else {
            throw MetricsError.imageShapeMismatch(
                image: pair.stem, predictionFile: pair.prediction.lastPathComponent, prediction: predicted.shape,
                truthFile: pair.truth.lastPathComponent, truth: truth.shape)
        }
        return try ImageEvaluation(
            name: pair.stem, predicted: predicted, truth: truth, options: options,
            predictionSource: pair.prediction.lastPathComponent, truthSource: pair.truth.lastPathComponent, notes: notes
        )
    }

    /// `labels`, or its connected components (8-connected in 2D, 26 in 3D, as scikit-image's `label`) when it
    /// is a binary mask: only 0 and one other value.
    static func instances(_ labels: LabelImage, role: String, notes: inout [String]) throws -> LabelImage {
        var values = Set<UInt32>()
        for v in labels.labels where v != 0 {
            values.insert(v)
            if values.count > 1 { return labels }
        }
        guard let value = values.first else { return labels }
        let components = try labels.connectedComponents(connectivity: .full)
        notes.append(
            "the \(role) is a binary mask (0 and \(value)); its instances are its "
                + "\(labels.isVolume ? 26 : 8)-connected components (\(components.instanceCount))")
        return components
    }
}
