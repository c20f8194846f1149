/// The field's scores as small named formulas over counts, in the spirit of StarDist's `matching.py`.
///
/// Every ratio goes through `ratio(_:_:)`: a zero denominator gives 0, never NaN. This is StarDist's
/// `_safe_divide` convention, so an image with no true and no predicted objects scores 0 (not 1) on AP,
/// precision, recall, F1 and PQ; pooled dataset scores are unaffected because such an image adds no counts.
public enum MetricFormulas {
    /// `numerator / denominator`, or 0 when the denominator is 0.
    public static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }

    /// Intersection over union of two regions given their intersection and areas (pixels or voxels).
    public static func iou(intersection: Int, areaA: Int, areaB: Int) -> Double {
        ratio(Double(intersection), Double(areaA + areaB - intersection))
    }

    /// Precision = TP / (TP + FP).
    public static func precision(tp: Int, fp: Int) -> Double { ratio(Double(tp), Double(tp + fp)) }

    /// Recall = TP / (TP + FN).
    public static func recall(tp: Int, fn: Int) -> Double { ratio(Double(tp), Double(tp + fn)) }

    /// F1 = 2TP / (2TP + FP + FN) (equal to Dice when the counts are pixels).
    public static func f1(tp: Int, fp: Int, fn: Int) -> Double { ratio(Double(2 * tp), Double(2 * tp + fp + fn)) }

    /// Dice = 2TP / (2TP + FP + FN), the name used for pixel counts.
    public static func dice(tp: Int, fp: Int, fn: Int) -> Double { f1(tp: tp, fp: fp, fn: fn) }

    /// Jaccard = TP / (TP + FP + FN): IoU for pixel counts, and the instance "AP" of the DSB 2018 challenge,
    /// Cellpose and StarDist ("accuracy") for object counts.
    public static func jaccard(tp: Int, fp: Int, fn: Int) -> Double { ratio(Double(tp), Double(tp + fp + fn)) }

    /// Average precision at one IoU threshold as the field defines it for instances: TP / (TP + FP + FN).
    public static func averagePrecision(tp: Int, fp: Int, fn: Int) -> Double { jaccard(tp: tp, fp: fp, fn: fn) }

    /// Mean IoU of the matched pairs: sum of matched IoUs / TP.
    public static func meanMatchedIoU(sumOfMatchedIoU: Double, tp: Int) -> Double { ratio(sumOfMatchedIoU, Double(tp)) }

    /// Panoptic quality = sum of matched IoUs / (TP + FP/2 + FN/2) = mean matched IoU x F1 (Kirillov et al. 2019).
    public static func panopticQuality(sumOfMatchedIoU: Double, tp: Int, fp: Int, fn: Int) -> Double {
        ratio(sumOfMatchedIoU, Double(tp) + Double(fp) / 2 + Double(fn) / 2)
    }

    /// The arithmetic mean, or 0 for no values.
    public static func mean(_ values: [Double]) -> Double { ratio(values.reduce(0, +), Double(values.count)) }
}
