/// Pixel counts and scores of one class: the class against all others.
public struct ClassScores: Sendable, Equatable {
    /// The class value (for `.foreground` mapping: 0 background, 1 foreground).
    public var classID: UInt32
    /// Pixels of this class in both prediction and truth.
    public var truePositives: Int
    /// Pixels predicted as this class whose true class differs.
    public var falsePositives: Int
    /// Pixels of this true class predicted as another.
    public var falseNegatives: Int

    /// IoU = TP / (TP + FP + FN).
    public var iou: Double { MetricFormulas.jaccard(tp: truePositives, fp: falsePositives, fn: falseNegatives) }
    /// Dice = 2TP / (2TP + FP + FN).
    public var dice: Double { MetricFormulas.dice(tp: truePositives, fp: falsePositives, fn: falseNegatives) }
}

extension ConfusionMatrix {
    /// Fraction of pixels whose predicted class is the true class; 0 when no pixels were counted.
    public var pixelAccuracy: Double { MetricFormulas.ratio(Double(correctPixels), Double(totalPixels)) }

    /// TP, FP and FN of `classID` (one class against the rest). A class that never occurs gives zeros.
    public func scores(ofClass classID: UInt32) -> ClassScores {
        var tp = 0
        var predictedTotal = 0
        var trueTotal = 0
        for (pair, n) in counts {
            if pair.predicted == classID { predictedTotal += n }
            if pair.truth == classID { trueTotal += n }
            if pair.predicted == classID, pair.truth == classID { tp = n }
        }
        return ClassScores(
            classID: classID, truePositives: tp, falsePositives: predictedTotal - tp, falseNegatives: trueTotal - tp)
    }

    /// IoU of `classID` = TP / (TP + FP + FN); 0 for a class absent from both prediction and truth.
    public func iou(ofClass classID: UInt32) -> Double { scores(ofClass: classID).iou }

    /// Dice of `classID` = 2TP / (2TP + FP + FN); 0 for a class absent from both prediction and truth.
    public func dice(ofClass classID: UInt32) -> Double { scores(ofClass: classID).dice }

    /// Scores of every class in `classes`, ascending by class. Each has TP + FP + FN > 0.
    public var perClass: [ClassScores] { classes.map { scores(ofClass: $0) } }

    /// Mean of the per-class IoUs over the classes seen in prediction or truth (background included unless
    /// `excludingBackground`); 0 when there are none.
    public func meanIoU(excludingBackground: Bool = false) -> Double {
        MetricFormulas.mean(perClass.filter { !excludingBackground || $0.classID != 0 }.map(\.iou))
    }

    /// Mean of the per-class Dice scores, over the same classes as `meanIoU(excludingBackground:)`.
    public func meanDice(excludingBackground: Bool = false) -> Double {
        MetricFormulas.mean(perClass.filter { !excludingBackground || $0.classID != 0 }.map(\.dice))
    }
}
