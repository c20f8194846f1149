import Foundation
import Imaging
import Testing

@testable import Evaluation

/// Matching on synthetic shapes whose answer is known (StarDist's approach: shift disks, count pixels).
@Suite("instance matching")
struct InstanceMatchingTests {
    /// Five disks of radius 10, each predicted shifted right by 0, 2, 4, 6 and 8 pixels.
    static let shifts: [Double] = [0, 2, 4, 6, 8]

    static func shiftedDisks() throws -> (prediction: LabelImage, truth: LabelImage) {
        let centers = shifts.indices.map { 20 + 40 * Double($0) }
        let truth = try Shapes.disks(
            height: 40, width: 210, shifts.indices.map { (UInt32($0 + 1), 20, centers[$0], 10) })
        // Prediction labels run the other way round so that matching cannot rely on equal label values.
        let prediction = try Shapes.disks(
            height: 40, width: 210, shifts.indices.map { (UInt32(10 - $0), 20, centers[$0] + shifts[$0], 10) })
        return (prediction, truth)
    }

    @Test("a disk shifted by half its radius has the IoU counted pixel by pixel, near the analytic lens value")
    func shiftedDiskIoU() throws {
        let truth = try Shapes.disks(height: 40, width: 60, [(1, 20, 20, 10)])
        let prediction = try Shapes.disks(height: 40, width: 60, [(7, 20, 25, 10)])
        let expected = Shapes.referenceIoU(prediction, 7, truth, 1)
        let table = try OverlapTable(predicted: prediction, truth: truth)
        #expect(table.iou(predicted: 7, truth: 1) == expected)
        #expect(table.trueAreas == [1: Shapes.area(truth, 1)])
        #expect(table.predictedAreas == [7: Shapes.area(prediction, 7)])
        // Two circles of radius r at distance r/2: lens area 2r² acos(1/4) - (r/4) sqrt(4r² - r²/4).
        let r = 10.0
        let lens = 2 * r * r * acos(0.25) - r / 4 * (4 * r * r - r * r / 4).squareRoot()
        #expect(abs(expected - lens / (2 * Double.pi * r * r - lens)) < 0.02)
    }

    @Test(
        "shifted disks match exactly when their counted IoU exceeds the threshold",
        arguments: EvaluationOptions.standardThresholds)
    func shiftedDisksAtThreshold(threshold: Double) throws {
        let (prediction, truth) = try Self.shiftedDisks()
        let ious = Self.shifts.indices.map { Shapes.referenceIoU(prediction, UInt32(10 - $0), truth, UInt32($0 + 1)) }
        let matched = ious.filter { $0 > threshold }
        let counts = try InstanceMatching(predicted: prediction, truth: truth).counts(threshold: threshold)
        #expect(counts.truePositives == matched.count)
        #expect(counts.falsePositives == 5 - matched.count)
        #expect(counts.falseNegatives == 5 - matched.count)
        #expect(abs(counts.sumOfMatchedIoU - matched.reduce(0, +)) < 1e-12)
        let expectedPQ = matched.reduce(0, +) / (Double(matched.count) + Double(5 - matched.count))
        #expect(abs(counts.scores.panopticQuality - expectedPQ) < 1e-12)
        #expect(
            counts.scores.averagePrecision == Double(matched.count) / Double(matched.count + 2 * (5 - matched.count)))
    }

    @Test("the shifted disks span the thresholds, so the test above exercises matches and misses")
    func shiftedDisksSpanThresholds() throws {
        let (prediction, truth) = try Self.shiftedDisks()
        let ious = Self.shifts.indices.map { Shapes.referenceIoU(prediction, UInt32(10 - $0), truth, UInt32($0 + 1)) }
        #expect(ious[0] == 1)
        #expect(ious.contains { $0 > 0.5 && $0 < 0.95 })
        #expect(ious.contains { $0 <= 0.5 })
    }

    @Test("a perfect prediction with other label values scores 1 at every threshold")
    func perfectPrediction() throws {
        let (_, truth) = try Self.shiftedDisks()
        let prediction = try LabelImage(shape: truth.shape, labels: truth.labels.map { $0 == 0 ? 0 : 100 - $0 })
        let matching = try InstanceMatching(predicted: prediction, truth: truth)
        for t in EvaluationOptions.standardThresholds {
            let s = matching.counts(threshold: t).scores
            #expect(
                s
                    == MatchScores(
                        averagePrecision: 1, precision: 1, recall: 1, f1: 1, panopticQuality: 1, meanMatchedIoU: 1))
        }
    }

    @Test("a missing object is a false negative")
    func missingObject() throws {
        let truth = try Shapes.boxes(height: 20, width: 40, [(1, 2, 2, 8, 8), (2, 2, 20, 8, 8)])
        let prediction = try Shapes.boxes(height: 20, width: 40, [(5, 2, 2, 8, 8)])
        let c = try InstanceMatching(predicted: prediction, truth: truth).counts(threshold: 0.5)
        #expect((c.truePositives, c.falsePositives, c.falseNegatives) == (1, 0, 1))
        #expect(c.scores.averagePrecision == 0.5)
        #expect(c.scores.precision == 1)
        #expect(c.scores.recall == 0.5)
        #expect(c.scores.f1 == 2.0 / 3.0)
    }

    @Test("an object split 12:8 keeps the larger piece as a match (IoU 0.6) and the smaller as a false positive")
    func splitObject() throws {
        let truth = try Shapes.boxes(height: 12, width: 22, [(1, 1, 1, 10, 20)])
        let prediction = try Shapes.boxes(height: 12, width: 22, [(1, 1, 1, 10, 12), (2, 1, 13, 10, 8)])
        let matching = try InstanceMatching(predicted: prediction, truth: truth)
        #expect(matching.overlaps.iou(predicted: 1, truth: 1) == 0.6)
        #expect(matching.overlaps.iou(predicted: 2, truth: 1) == 0.4)
        let c = matching.counts(threshold: 0.5)
        #expect((c.truePositives, c.falsePositives, c.falseNegatives) == (1, 1, 0))
        #expect(c.scores.meanMatchedIoU == 0.6)
        // IoU must exceed the threshold: at 0.6 the larger piece no longer matches.
        let strict = matching.counts(threshold: 0.6)
        #expect((strict.truePositives, strict.falsePositives, strict.falseNegatives) == (0, 2, 1))
    }

    @Test("two objects merged into one prediction: the larger matches (IoU 0.7), the smaller is missed")
    func mergedObjects() throws {
        let truth = try Shapes.boxes(height: 12, width: 24, [(1, 1, 1, 10, 14), (2, 1, 17, 10, 4)])
        let prediction = try Shapes.boxes(height: 12, width: 24, [(9, 1, 1, 10, 20)])
        let matching = try InstanceMatching(predicted: prediction, truth: truth)
        #expect(matching.overlaps.iou(predicted: 9, truth: 1) == 0.7)
        #expect(matching.overlaps.iou(predicted: 9, truth: 2) == 0.2)
        let c = matching.counts(threshold: 0.5)
        #expect((c.truePositives, c.falsePositives, c.falseNegatives) == (1, 0, 1))
        // At a low threshold the matching stays one-to-one: the prediction is used once.
        #expect(matching.matches(threshold: 0.1).count == 1)
    }

    @Test("empty prediction, empty truth, both empty: zero denominators give 0, never NaN")
    func emptyImages() throws {
        let objects = try Shapes.boxes(height: 10, width: 20, [(1, 1, 1, 4, 4), (2, 1, 10, 4, 4)])
        let empty = try LabelImage(zerosWithShape: [10, 20])
        let zero = MatchScores(
            averagePrecision: 0, precision: 0, recall: 0, f1: 0, panopticQuality: 0, meanMatchedIoU: 0)

        let noPrediction = try InstanceMatching(predicted: empty, truth: objects).counts(threshold: 0.5)
        #expect((noPrediction.truePositives, noPrediction.falsePositives, noPrediction.falseNegatives) == (0, 0, 2))
        #expect(noPrediction.scores == zero)

        let noTruth = try InstanceMatching(predicted: objects, truth: empty).counts(threshold: 0.5)
        #expect((noTruth.truePositives, noTruth.falsePositives, noTruth.falseNegatives) == (0, 2, 0))
        #expect(noTruth.scores == zero)

        let neither = try ImageEvaluation(name: "empty", predicted: empty, truth: empty)
        #expect(neither.thresholds.allSatisfy { $0.scores == zero })
        #expect(neither.aggregatedJaccard.value == 0)
        #expect(neither.pixels.pixelAccuracy == 1)
        #expect(neither.pixels.iou(ofClass: 1) == 0)
    }

    @Test("3D: a ball shifted by 3 voxels has the IoU counted voxel by voxel; a perfect volume scores 1")
    func balls() throws {
        let truth = try Shapes.balls(depth: 16, height: 20, width: 40, [(1, 8, 10, 10, 6), (2, 8, 10, 28, 5)])
        let shifted = try Shapes.balls(depth: 16, height: 20, width: 40, [(4, 8, 10, 10, 6), (3, 11, 10, 28, 5)])
        let expected = Shapes.referenceIoU(shifted, 3, truth, 2)
        let matching = try InstanceMatching(predicted: shifted, truth: truth)
        #expect(matching.overlaps.iou(predicted: 3, truth: 2) == expected)
        #expect(matching.overlaps.trueAreas[1] == Shapes.area(truth, 1))
        for t in EvaluationOptions.standardThresholds {
            #expect(matching.counts(threshold: t).truePositives == 1 + (expected > t ? 1 : 0))
        }
        let perfect = try InstanceMatching(predicted: truth, truth: truth)
        #expect(
            EvaluationOptions.standardThresholds.allSatisfy {
                perfect.counts(threshold: $0).scores.averagePrecision == 1
            })
    }

    @Test("shapes must agree")
    func shapeMismatch() throws {
        let a = try LabelImage(zerosWithShape: [4, 5])
        let b = try LabelImage(zerosWithShape: [4, 6])
        #expect(throws: EvaluationError.shapeMismatch(prediction: [4, 5], truth: [4, 6])) {
            try InstanceMatching(predicted: a, truth: b)
        }
    }
}
