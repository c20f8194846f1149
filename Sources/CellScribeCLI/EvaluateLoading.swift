import Evaluation
import Foundation
import ImageFormats
import Imaging

/// Reads prediction/ground-truth pairs as instance label images, and their uncertainty maps.
enum EvaluateLoading {
    /// A pair read as instance label images of one shape, with notes on conversions.
    struct LoadedPair {
        var predicted: LabelImage
        var truth: LabelImage
        var notes: [String]
    }

    /// Reads `pair`: both files as label images (ROI sets rasterised at the prediction's shape), binary masks
    /// split into connected components (noted), shapes checked.
    /// Throws the reader's errors and `EvaluationError.imageShapeMismatch`.
    static func load(_ pair: EvaluatePairing.Pair, limits: ReadLimits) throws -> LoadedPair {
        var notes: [String] = []
        let predicted = try instances(
            ImageFormats.readLabels(pair.prediction, limits: limits), role: "prediction", notes: &notes)
        let truthShape = predicted.isVolume ? nil : predicted.shape
        let truth = try instances(
            ImageFormats.readLabels(pair.truth, shape: truthShape, limits: limits), role: "ground truth", notes: &notes)
        guard predicted.shape == truth.shape else {
            throw EvaluationError.imageShapeMismatch(
                image: pair.stem, predictionFile: pair.prediction.lastPathComponent, prediction: predicted.shape,
                truthFile: pair.truth.lastPathComponent, truth: truth.shape)
        }
        return LoadedPair(predicted: predicted, truth: truth, notes: notes)
    }

    /// Scores a loaded pair.
    static func evaluate(_ pair: EvaluatePairing.Pair, loaded: LoadedPair, options: EvaluationOptions) throws
        -> ImageEvaluation
    {
        try ImageEvaluation(
            name: pair.stem, predicted: loaded.predicted, truth: loaded.truth, options: options,
            predictionSource: pair.prediction.lastPathComponent, truthSource: pair.truth.lastPathComponent,
            notes: loaded.notes)
    }

    /// Adds the pair's `<stem>_entropy` map (beside the prediction, any format) to `detection`, with a pixel
    /// counted wrong where prediction and truth disagree on foreground.
    ///
    /// - Throws: `EvaluationError.invalidArgument` when the map is missing or does not match the image.
    static func addUncertainty(
        _ pair: EvaluatePairing.Pair, loaded: LoadedPair, limits: ReadLimits, to detection: inout ErrorDetection
    ) throws {
        let folder = pair.prediction.deletingLastPathComponent()
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard
            let name = candidates.sorted().first(where: {
                URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent == pair.stem + "_entropy"
            })
        else {
            throw EvaluationError.invalidArgument(
                name: "--uncertainty", value: pair.stem,
                reason:
                    "there is no \(pair.stem)_entropy map in '\(folder.path)' (run `cellscribe predict --uncertainty`)")
        }
        let entropy = try ImageFormats.readImage(folder.appendingPathComponent(name), limits: limits)
        let errors = zip(loaded.predicted.labels, loaded.truth.labels).map { ($0 != 0) != ($1 != 0) }
        try detection.add(scores: entropy.pixels, isError: errors)
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
