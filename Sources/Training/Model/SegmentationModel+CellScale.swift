import Imaging
import Segmentation

/// A model's probabilities for an image resized so that its cells have the model's cell diameter.
public struct CellScaledProbabilities: Sendable {
    /// `(K, [Z,] Y', X')` row-major at the resized shape.
    public var values: [Float]
    /// The resized spatial shape `([Z,] Y', X')`.
    public var shape: [Int]
    /// How much the image was enlarged (1: not resized).
    public var scale: Double

    /// Instances decoded at the resized shape and brought back to the image's spatial shape `shape`.
    func labels(decodedBy decoder: InstanceDecoder, restoredTo shape: [Int]) throws -> LabelImage {
        try CellScale.restored(try decoder.labels(from: values, shape: self.shape), to: shape)
    }
}

/// Resizing images so that their cells have a model's cell diameter.
public enum CellScale {
    /// Factors are kept within this range: images shrink to a quarter or grow to four times their size at most.
    public static let range: ClosedRange<Double> = 0.25...4

    /// The factor that turns cells of `diameter` pixels into cells of `target` pixels, clamped to `range`; 1
    /// when it would change the size by less than 5%.
    public static func factor(target: Double, diameter: Double) -> Double {
        guard diameter > 0, target > 0 else { return 1 }
        let factor = min(max(target / diameter, range.lowerBound), range.upperBound)
        return abs(factor - 1) < 0.05 ? 1 : factor
    }

    /// `image` enlarged by `factor` in-plane (`PlaneResampler`); itself for a factor of 1.
    public static func resized(_ image: Image, by factor: Double) throws -> Image {
        guard factor != 1 else { return image }
        let size = PlaneResampler.scaledSize((image.height, image.width), by: factor)
        return try image.resizingPlanes(height: size.height, width: size.width)
    }

    /// `labels` enlarged by `factor` in-plane (nearest neighbour); themselves for a factor of 1.
    public static func resized(_ labels: LabelImage, by factor: Double) throws -> LabelImage {
        guard factor != 1 else { return labels }
        let size = PlaneResampler.scaledSize((labels.height, labels.width), by: factor)
        return try labels.resizingPlanes(height: size.height, width: size.width)
    }

    /// The estimate behind `SegmentationModel.cellScaledProbabilities` when the cells' size is not given: `pass`
    /// at factor 1 is decoded and its cells' median diameter gives the factor of a second, final pass (none when it
    /// is 1). Measuring again at the new size and repeating made things worse on DSB2018: on an image of noise
    /// around one nucleus each pass found smaller specks and the factor ran to its limit.
    ///
    /// - Parameters:
    ///   - target: the model's cell diameter, pixels.
    ///   - pass: probabilities of the image enlarged by a factor.
    /// - Returns: the last pass.
    static func estimated(
        target: Double, decoder: InstanceDecoder, pass: (Double) throws -> CellScaledProbabilities
    ) throws -> CellScaledProbabilities {
        let first = try pass(1)
        guard let diameter = try decoder.labels(from: first.values, shape: first.shape).medianObjectDiameter() else {
            return first
        }
        let scale = factor(target: target, diameter: diameter)
        return scale == 1 ? first : try pass(scale)
    }

    /// Labels decoded at a resized shape, brought back to `shape` (nearest neighbour) and renumbered 1...n
    /// (shrinking can drop the smallest).
    static func restored(_ labels: LabelImage, to shape: [Int]) throws -> LabelImage {
        guard labels.shape != shape else { return labels }
        return try labels.resizingPlanes(height: shape[shape.count - 2], width: shape[shape.count - 1])
            .relabeledSequentially()
    }

    /// `(K, [Z,] Y', X')` values at a resized shape resampled back to `shape`.
    static func restored(_ values: [Float], from resized: [Int], to shape: [Int]) throws -> [Float] {
        guard resized != shape else { return values }
        let resampler = try PlaneResampler(from: resized, to: shape)
        return resampler.resample(values, planes: values.count / (resampler.source.height * resampler.source.width))
    }
}

extension SegmentationModel {
    /// Probabilities of a prepared image with its cells at `info.cellDiameter` (one plain pass per network).
    ///
    /// The factor comes from `cellDiameter` (the cells' diameter in the image, pixels, when the user knows it);
    /// otherwise from the cells a pass at the image's own size finds (`CellScale.estimated`). Models without a
    /// cell diameter: one pass at the image's size.
    public func cellScaledProbabilities(
        of prepared: Image, predictor: TiledPredictor, cellDiameter: Double? = nil
    ) throws -> CellScaledProbabilities {
        func pass(_ scale: Double) throws -> CellScaledProbabilities {
            let input = try CellScale.resized(prepared, by: scale)
            return CellScaledProbabilities(
                values: try probabilities(of: input, predictor: predictor), shape: input.spatialShape, scale: scale)
        }
        guard let target = info.cellDiameter, prepared.spatialShape.count == 2 else { return try pass(1) }
        if let cellDiameter { return try pass(CellScale.factor(target: target, diameter: cellDiameter)) }
        return try CellScale.estimated(
            target: target, decoder: InstanceDecoder(task: info.task, options: info.instances), pass: pass)
    }

    /// The factor `cellScaledProbabilities` would resize `prepared` by (1 for models without a cell diameter).
    func cellScale(of prepared: Image, predictor: TiledPredictor, cellDiameter: Double?) throws -> Double {
        guard let target = info.cellDiameter, prepared.spatialShape.count == 2 else { return 1 }
        if let cellDiameter { return CellScale.factor(target: target, diameter: cellDiameter) }
        return try cellScaledProbabilities(of: prepared, predictor: predictor).scale
    }
}
