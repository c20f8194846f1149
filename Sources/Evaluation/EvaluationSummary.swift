/// The headline numbers of an evaluation, for one image or a dataset (pooled counts).
///
/// Scores at 0.5 and 0.75 are nil when those thresholds were not evaluated.
public struct EvaluationSummary: Sendable, Equatable {
    /// Images scored.
    public var images: Int
    /// True and predicted instances.
    public var trueObjects: Int
    public var predictedObjects: Int
    /// AP = TP / (TP + FP + FN) at IoU 0.5 and 0.75.
    public var averagePrecisionAt50: Double?
    public var averagePrecisionAt75: Double?
    /// Mean of AP over the evaluated thresholds (0.5:0.95 by default).
    public var meanAveragePrecision: Double
    /// Scores at IoU 0.5.
    public var f1At50: Double?
    public var precisionAt50: Double?
    public var recallAt50: Double?
    public var panopticQualityAt50: Double?
    /// Aggregated Jaccard Index.
    public var aggregatedJaccard: Double
    /// Pixels whose foreground/background state is right.
    public var pixelAccuracy: Double
    /// IoU and Dice of the foreground (any label > 0).
    public var foregroundIoU: Double
    public var foregroundDice: Double

    /// Picks the headline numbers from per-threshold scores (in the order of `options.thresholds`).
    public init(
        images: Int, options: EvaluationOptions, scores: [MatchScores], trueObjects: Int, predictedObjects: Int,
        aggregatedJaccard: Double, pixels: ConfusionMatrix
    ) {
        precondition(scores.count == options.thresholds.count, "one score per threshold")
        func at(_ t: Double) -> MatchScores? { options.index(ofThreshold: t).map { scores[$0] } }
        self.images = images
        self.trueObjects = trueObjects
        self.predictedObjects = predictedObjects
        averagePrecisionAt50 = at(0.5)?.averagePrecision
        averagePrecisionAt75 = at(0.75)?.averagePrecision
        meanAveragePrecision = MetricFormulas.mean(scores.map(\.averagePrecision))
        f1At50 = at(0.5)?.f1
        precisionAt50 = at(0.5)?.precision
        recallAt50 = at(0.5)?.recall
        panopticQualityAt50 = at(0.5)?.panopticQuality
        self.aggregatedJaccard = aggregatedJaccard
        pixelAccuracy = pixels.pixelAccuracy
        foregroundIoU = pixels.iou(ofClass: 1)
        foregroundDice = pixels.dice(ofClass: 1)
    }
}
