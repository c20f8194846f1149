import Imaging
import Testing

@testable import Evaluation

/// Pixel metrics on a 3x4 class map counted by hand:
///
///     truth        prediction
///     0 0 1 1      0 1 1 1
///     0 2 2 1      0 2 2 0
///     0 2 2 2      2 2 1 2
///
/// Correct: 2 background, 2 of class 1, 4 of class 2 = 8 of 12.
/// Class 0: TP 2, FP 1, FN 2. Class 1: TP 2, FP 2, FN 1. Class 2: TP 4, FP 1, FN 1.
@Suite("pixel metrics")
struct PixelEvaluationTests {
    static let truth: [UInt32] = [0, 0, 1, 1, 0, 2, 2, 1, 0, 2, 2, 2]
    static let prediction: [UInt32] = [0, 1, 1, 1, 0, 2, 2, 0, 2, 2, 1, 2]

    static func matrix(_ mapping: ClassMapping) throws -> ConfusionMatrix {
        try ConfusionMatrix(
            predicted: LabelImage(shape: [3, 4], labels: prediction), truth: LabelImage(shape: [3, 4], labels: truth),
            mapping: mapping)
    }

    @Test("accuracy, per-class IoU and Dice, and their means")
    func classes() throws {
        let m = try Self.matrix(.classes)
        #expect(m.totalPixels == 12)
        #expect(m.pixelAccuracy == 8.0 / 12.0)
        #expect(m.classes == [0, 1, 2])
        #expect(
            m.perClass.map { [$0.truePositives, $0.falsePositives, $0.falseNegatives] } == [
                [2, 1, 2], [2, 2, 1], [4, 1, 1],
            ])
        #expect(m.iou(ofClass: 0) == 0.4)
        #expect(m.iou(ofClass: 1) == 0.4)
        #expect(m.iou(ofClass: 2) == 4.0 / 6.0)
        #expect(m.dice(ofClass: 0) == 4.0 / 7.0)
        #expect(m.dice(ofClass: 2) == 0.8)
        #expect(abs(m.meanIoU() - 22.0 / 45.0) < 1e-15)
        #expect(abs(m.meanIoU(excludingBackground: true) - 8.0 / 15.0) < 1e-15)
        #expect(abs(m.meanDice() - (4.0 / 7.0 + 4.0 / 7.0 + 0.8) / 3) < 1e-15)
        #expect(m.count(predicted: 1, truth: 0) == 1)
        #expect(m.iou(ofClass: 7) == 0)
    }

    @Test("foreground mapping: any label > 0 is foreground (TP 7, FP 2, FN 1)")
    func foreground() throws {
        let m = try Self.matrix(.foreground)
        #expect(m.classes == [0, 1])
        let fg = m.scores(ofClass: 1)
        #expect([fg.truePositives, fg.falsePositives, fg.falseNegatives] == [7, 2, 1])
        #expect(fg.iou == 0.7)
        #expect(fg.dice == 14.0 / 17.0)
        #expect(m.pixelAccuracy == 0.75)
    }

    @Test("a dataset's confusion matrix pools pixel counts: IoU of totals, not the mean of IoUs")
    func pooled() throws {
        var m = try Self.matrix(.foreground)
        // A second image: truth [1, 1], prediction [1, 0]: foreground TP 1, FN 1 (IoU 0.5 on its own).
        try m.add(
            predicted: LabelImage(shape: [1, 2], labels: [1, 0]), truth: LabelImage(shape: [1, 2], labels: [1, 1]),
            mapping: .foreground)
        #expect(m.iou(ofClass: 1) == 8.0 / 12.0)
        #expect(m.pixelAccuracy == 10.0 / 14.0)
        var merged = ConfusionMatrix()
        merged.merge(m)
        merged.merge(m)
        #expect(merged.iou(ofClass: 1) == 8.0 / 12.0)
        #expect(merged.totalPixels == 28)
    }

    @Test("shapes must agree")
    func shapeMismatch() throws {
        var m = ConfusionMatrix()
        #expect(throws: EvaluationError.shapeMismatch(prediction: [2, 2], truth: [1, 4])) {
            try m.add(
                predicted: LabelImage(zerosWithShape: [2, 2]), truth: LabelImage(zerosWithShape: [1, 4]),
                mapping: .classes)
        }
    }

    @Test("formulas divide safely and agree with their definitions")
    func formulas() {
        #expect(MetricFormulas.ratio(3, 0) == 0)
        #expect(MetricFormulas.f1(tp: 0, fp: 0, fn: 0) == 0)
        #expect(MetricFormulas.f1(tp: 3, fp: 1, fn: 2) == 6.0 / 9.0)
        #expect(MetricFormulas.averagePrecision(tp: 3, fp: 1, fn: 2) == 0.5)
        #expect(MetricFormulas.panopticQuality(sumOfMatchedIoU: 2.4, tp: 3, fp: 1, fn: 2) == 2.4 / 4.5)
        #expect(MetricFormulas.iou(intersection: 2, areaA: 4, areaB: 4) == 1.0 / 3.0)
        #expect(MetricFormulas.mean([]) == 0)
    }
}
