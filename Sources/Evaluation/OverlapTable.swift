import Imaging

/// Areas of the instances of a predicted and a true label image, and the sizes of their non-empty overlaps,
/// counted in one pass over the pixels (voxels).
///
/// Sparse: only pairs that overlap are stored (keyed by (predicted label, true label)), so the cost is the
/// number of touching pairs, not predicted x true. Works for `(Y, X)` and `(Z, Y, X)` alike.
public struct OverlapTable: Sendable, Equatable {
    /// A predicted and a true instance that share at least one pixel.
    public struct Pair: Sendable, Hashable {
        public var predicted: UInt32
        public var truth: UInt32

        public init(predicted: UInt32, truth: UInt32) {
            self.predicted = predicted
            self.truth = truth
        }
    }

    /// Shape shared by both images.
    public let shape: [Int]
    /// Pixel count per predicted label (0 excluded).
    public private(set) var predictedAreas: [UInt32: Int] = [:]
    /// Pixel count per true label (0 excluded).
    public private(set) var trueAreas: [UInt32: Int] = [:]
    /// Shared pixel count per overlapping (predicted, true) pair; pairs that do not touch are absent.
    public private(set) var intersections: [Pair: Int] = [:]

    /// Counts areas and overlaps. Throws `EvaluationError.shapeMismatch` when the shapes differ.
    public init(predicted: LabelImage, truth: LabelImage) throws {
        guard predicted.shape == truth.shape else {
            throw EvaluationError.shapeMismatch(prediction: predicted.shape, truth: truth.shape)
        }
        shape = truth.shape
        let p = predicted.labels
        let t = truth.labels
        guard !p.isEmpty else { return }
        // Instances are runs along X: count a run of one (predicted, true) pair locally and touch the
        // dictionaries once per run instead of once per pixel.
        var current = Pair(predicted: p[0], truth: t[0])
        var run = 0
        for i in p.indices {
            let pair = Pair(predicted: p[i], truth: t[i])
            if pair != current {
                record(current, run)
                current = pair
                run = 0
            }
            run += 1
        }
        record(current, run)
    }

    private mutating func record(_ pair: Pair, _ n: Int) {
        if pair.predicted != 0 { predictedAreas[pair.predicted, default: 0] += n }
        if pair.truth != 0 { trueAreas[pair.truth, default: 0] += n }
        if pair.predicted != 0, pair.truth != 0 { intersections[pair, default: 0] += n }
    }

    /// Number of predicted instances.
    public var predictedCount: Int { predictedAreas.count }
    /// Number of true instances.
    public var trueCount: Int { trueAreas.count }

    /// Shared pixels of a predicted and a true instance (0 when they do not touch).
    public func intersection(predicted: UInt32, truth: UInt32) -> Int {
        intersections[Pair(predicted: predicted, truth: truth)] ?? 0
    }

    /// Pixels in either instance: area(predicted) + area(true) - intersection.
    public func union(predicted: UInt32, truth: UInt32) -> Int {
        (predictedAreas[predicted] ?? 0) + (trueAreas[truth] ?? 0) - intersection(predicted: predicted, truth: truth)
    }

    /// IoU of a predicted and a true instance (0 when they do not touch).
    public func iou(predicted: UInt32, truth: UInt32) -> Double {
        MetricFormulas.iou(
            intersection: intersection(predicted: predicted, truth: truth),
            areaA: predictedAreas[predicted] ?? 0, areaB: trueAreas[truth] ?? 0)
    }
}
