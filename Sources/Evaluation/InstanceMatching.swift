import Imaging

/// A predicted and a true instance that overlap, with their IoU.
public struct InstancePair: Sendable, Equatable {
    public var predicted: UInt32
    public var truth: UInt32
    /// Shared pixels (voxels).
    public var intersection: Int
    /// intersection / union.
    public var iou: Double

    public init(predicted: UInt32, truth: UInt32, intersection: Int, iou: Double) {
        self.predicted = predicted
        self.truth = truth
        self.intersection = intersection
        self.iou = iou
    }
}

/// One-to-one matching of predicted to true instances at IoU thresholds.
///
/// Only overlapping pairs have a non-zero IoU, so only those are candidates (no dense IoU matrix). A match at
/// threshold `t` is a pair with IoU > t (strictly) in a one-to-one assignment chosen greedily by descending
/// IoU. For t >= 0.5 this is the optimal assignment: an instance can have IoU > 0.5 with at most one
/// instance of the other image, so no choice is ever contested. Below 0.5 the greedy result is a fast
/// approximation of the maximum matching that StarDist computes with the Hungarian algorithm.
public struct InstanceMatching: Sendable, Equatable {
    /// Areas and overlaps the matching was computed from.
    public let overlaps: OverlapTable
    /// Every overlapping pair by descending IoU; ties by ascending predicted label, then true label, so
    /// results do not depend on dictionary order.
    public let candidates: [InstancePair]

    /// Counts overlaps of a predicted and a true `(Y, X)` or `(Z, Y, X)` label image.
    /// Throws `EvaluationError.shapeMismatch` when the shapes differ.
    public init(predicted: LabelImage, truth: LabelImage) throws {
        self.init(overlaps: try OverlapTable(predicted: predicted, truth: truth))
    }

    /// Matching from already counted overlaps.
    public init(overlaps: OverlapTable) {
        self.overlaps = overlaps
        candidates = overlaps.intersections.map { pair, n in
            InstancePair(
                predicted: pair.predicted, truth: pair.truth, intersection: n,
                iou: overlaps.iou(predicted: pair.predicted, truth: pair.truth))
        }.sorted { a, b in
            if a.iou != b.iou { return a.iou > b.iou }
            return (a.predicted, a.truth) < (b.predicted, b.truth)
        }
    }

    /// The matched pairs at `threshold` (pairs with IoU > threshold, one-to-one, greedy by IoU), by
    /// descending IoU. Precondition: 0 <= threshold <= 1.
    public func matches(threshold: Double) -> [InstancePair] {
        precondition((0...1).contains(threshold), "IoU threshold \(threshold) outside 0...1")
        var usedPredicted = Set<UInt32>()
        var usedTrue = Set<UInt32>()
        var result: [InstancePair] = []
        for pair in candidates {
            guard pair.iou > threshold else { break }  // sorted: nothing further can pass
            guard !usedPredicted.contains(pair.predicted), !usedTrue.contains(pair.truth) else { continue }
            usedPredicted.insert(pair.predicted)
            usedTrue.insert(pair.truth)
            result.append(pair)
        }
        return result
    }

    /// TP (matched pairs), FP (unmatched predictions), FN (unmatched true objects) and the sum of matched
    /// IoUs at `threshold`. Precondition: 0 <= threshold <= 1.
    public func counts(threshold: Double) -> MatchCounts {
        let matched = matches(threshold: threshold)
        return MatchCounts(
            threshold: threshold, truePositives: matched.count,
            falsePositives: overlaps.predictedCount - matched.count, falseNegatives: overlaps.trueCount - matched.count,
            sumOfMatchedIoU: matched.reduce(0) { $0 + $1.iou })
    }
}
