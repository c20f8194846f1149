/// Object counts of a matching at one IoU threshold: for one image, or pooled over a dataset by adding.
public struct MatchCounts: Sendable, Equatable {
    /// The IoU a pair had to exceed to match.
    public var threshold: Double
    /// Matched pairs.
    public var truePositives: Int
    /// Predicted objects left unmatched.
    public var falsePositives: Int
    /// True objects left unmatched.
    public var falseNegatives: Int
    /// Sum of the IoUs of the matched pairs (for mean matched IoU and PQ).
    public var sumOfMatchedIoU: Double

    public init(
        threshold: Double, truePositives: Int, falsePositives: Int, falseNegatives: Int, sumOfMatchedIoU: Double
    ) {
        self.threshold = threshold
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.sumOfMatchedIoU = sumOfMatchedIoU
    }

    /// No objects at `threshold`: the start of a pooled sum.
    public static func zero(threshold: Double) -> MatchCounts {
        MatchCounts(threshold: threshold, truePositives: 0, falsePositives: 0, falseNegatives: 0, sumOfMatchedIoU: 0)
    }

    /// True objects: TP + FN.
    public var trueCount: Int { truePositives + falseNegatives }
    /// Predicted objects: TP + FP.
    public var predictedCount: Int { truePositives + falsePositives }

    /// The scores these counts give (StarDist `matching_dataset(by_image=False)` when the counts are pooled).
    public var scores: MatchScores {
        let (tp, fp, fn) = (truePositives, falsePositives, falseNegatives)
        return MatchScores(
            averagePrecision: MetricFormulas.averagePrecision(tp: tp, fp: fp, fn: fn),
            precision: MetricFormulas.precision(tp: tp, fp: fp),
            recall: MetricFormulas.recall(tp: tp, fn: fn),
            f1: MetricFormulas.f1(tp: tp, fp: fp, fn: fn),
            panopticQuality: MetricFormulas.panopticQuality(sumOfMatchedIoU: sumOfMatchedIoU, tp: tp, fp: fp, fn: fn),
            meanMatchedIoU: MetricFormulas.meanMatchedIoU(sumOfMatchedIoU: sumOfMatchedIoU, tp: tp))
    }

    /// Pooled counts: the sum of both (thresholds must agree).
    public static func + (a: MatchCounts, b: MatchCounts) -> MatchCounts {
        precondition(a.threshold == b.threshold, "pooling counts at thresholds \(a.threshold) and \(b.threshold)")
        return MatchCounts(
            threshold: a.threshold, truePositives: a.truePositives + b.truePositives,
            falsePositives: a.falsePositives + b.falsePositives, falseNegatives: a.falseNegatives + b.falseNegatives,
            sumOfMatchedIoU: a.sumOfMatchedIoU + b.sumOfMatchedIoU)
    }
}

/// Instance scores at one threshold. Ratios with a zero denominator are 0 (see `MetricFormulas`).
public struct MatchScores: Sendable, Equatable {
    /// TP / (TP + FP + FN), the DSB 2018 / Cellpose / StarDist "average precision" (StarDist: accuracy).
    public var averagePrecision: Double
    /// TP / (TP + FP).
    public var precision: Double
    /// TP / (TP + FN).
    public var recall: Double
    /// 2TP / (2TP + FP + FN).
    public var f1: Double
    /// Sum of matched IoUs / (TP + FP/2 + FN/2) = mean matched IoU x F1.
    public var panopticQuality: Double
    /// Sum of matched IoUs / TP.
    public var meanMatchedIoU: Double

    public init(
        averagePrecision: Double, precision: Double, recall: Double, f1: Double, panopticQuality: Double,
        meanMatchedIoU: Double
    ) {
        self.averagePrecision = averagePrecision
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.panopticQuality = panopticQuality
        self.meanMatchedIoU = meanMatchedIoU
    }

    /// The score-by-score mean (StarDist `by_image=True`); all zeros for an empty list.
    public static func mean(_ all: [MatchScores]) -> MatchScores {
        func m(_ key: KeyPath<MatchScores, Double>) -> Double { MetricFormulas.mean(all.map { $0[keyPath: key] }) }
        return MatchScores(
            averagePrecision: m(\.averagePrecision), precision: m(\.precision), recall: m(\.recall), f1: m(\.f1),
            panopticQuality: m(\.panopticQuality), meanMatchedIoU: m(\.meanMatchedIoU))
    }
}
