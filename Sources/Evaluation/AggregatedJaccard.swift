/// Intersection and union sums of the Aggregated Jaccard Index (Kumar et al. 2017, IEEE TMI), for one
/// image or pooled over a dataset by adding.
///
/// Each true object G is paired with the predicted object S of largest IoU with it (ties: the smaller
/// label); |G ∩ S| is added to the intersection and |G ∪ S| to the union. A true object that touches no
/// prediction adds its area to the union only. Predictions never chosen add their area to the union. As in
/// the original definition a prediction may be chosen by several true objects (its area then counts in
/// several unions), which is what makes AJI punish merges. This follows HoVer-Net's `get_fast_aji`.
public struct AggregatedJaccard: Sendable, Equatable {
    /// Sum of |G ∩ S| over the pairs.
    public var intersection: Int
    /// Sum of |G ∪ S| over the pairs, plus unpaired true and predicted areas.
    public var union: Int

    public init(intersection: Int, union: Int) {
        self.intersection = intersection
        self.union = union
    }

    /// The index of counted overlaps.
    public init(overlaps: OverlapTable) {
        var best: [UInt32: (predicted: UInt32, iou: Double)] = [:]
        for (pair, _) in overlaps.intersections {
            let iou = overlaps.iou(predicted: pair.predicted, truth: pair.truth)
            if let current = best[pair.truth],
                current.iou > iou || (current.iou == iou && current.predicted < pair.predicted)
            {
                continue
            }
            best[pair.truth] = (pair.predicted, iou)
        }
        var intersection = 0
        var union = 0
        var chosen = Set<UInt32>()
        for (truth, area) in overlaps.trueAreas {
            if let (predicted, _) = best[truth] {
                intersection += overlaps.intersection(predicted: predicted, truth: truth)
                union += overlaps.union(predicted: predicted, truth: truth)
                chosen.insert(predicted)
            } else {
                union += area
            }
        }
        for (predicted, area) in overlaps.predictedAreas where !chosen.contains(predicted) { union += area }
        self.init(intersection: intersection, union: union)
    }

    /// AJI = intersection / union; 0 when both images are empty (see `MetricFormulas`).
    public var value: Double { MetricFormulas.ratio(Double(intersection), Double(union)) }

    /// Pooled sums.
    public static func + (a: AggregatedJaccard, b: AggregatedJaccard) -> AggregatedJaccard {
        AggregatedJaccard(intersection: a.intersection + b.intersection, union: a.union + b.union)
    }
}
