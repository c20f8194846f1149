import Imaging
import Testing

@testable import Evaluation

@Suite("dataset evaluation")
struct DatasetEvaluationTests {
    /// Image "all": two boxes predicted exactly (AP 1). Image "half": three boxes, one predicted (AP 1/3).
    static func dataset() throws -> DatasetEvaluation {
        let twoBoxes = try Shapes.boxes(height: 20, width: 40, [(1, 2, 2, 8, 8), (2, 2, 20, 8, 8)])
        let threeBoxes = try Shapes.boxes(height: 20, width: 40, [(1, 2, 2, 8, 8), (2, 2, 20, 8, 8), (3, 12, 2, 6, 6)])
        let oneBox = try Shapes.boxes(height: 20, width: 40, [(4, 2, 2, 8, 8)])
        var dataset = try DatasetEvaluation()
        dataset.add(try ImageEvaluation(name: "all", predicted: twoBoxes, truth: twoBoxes))
        dataset.add(try ImageEvaluation(name: "half", predicted: oneBox, truth: threeBoxes))
        return dataset
    }

    @Test("pooled counts (by_image=False) differ from the mean of per-image scores (by_image=True)")
    func pooledAndMean() throws {
        let dataset = try Self.dataset()
        let at50 = dataset.pooled[0]
        #expect((at50.truePositives, at50.falsePositives, at50.falseNegatives) == (3, 0, 2))
        #expect(dataset.pooledScores[0].averagePrecision == 0.6)
        #expect(dataset.meanOfImages[0].averagePrecision == (1 + 1.0 / 3.0) / 2)
        #expect(dataset.meanOfImages[0].precision == 1)
        let s = dataset.summary
        #expect(s.images == 2)
        #expect((s.trueObjects, s.predictedObjects) == (5, 3))
        #expect(s.averagePrecisionAt50 == 0.6)
        #expect(s.averagePrecisionAt75 == 0.6)
        #expect(abs(s.meanAveragePrecision - 0.6) < 1e-12)
        #expect(s.recallAt50 == 0.6)
        #expect(s.f1At50 == 0.75)
        // AJI: intersections 64 + 64 + 64, unions the same plus the two missed boxes (64 + 36).
        #expect(dataset.aggregatedJaccard == AggregatedJaccard(intersection: 192, union: 292))
        #expect(dataset.meanAggregatedJaccard == (1 + 64.0 / 164.0) / 2)
        #expect(s.foregroundIoU == 192.0 / 292.0)
    }

    @Test("size bins count true objects by their area and unmatched predictions by theirs")
    func sizeBins() throws {
        let bins = try SizeBins(edges: [20, 200])
        #expect((0..<3).map { bins.label(ofBin: $0) } == ["<20", "20-199", ">=200"])
        #expect([19, 20, 199, 200].map { bins.bin(ofArea: $0) } == [0, 1, 1, 2])
        // Truth: A 4x4 = 16 (bin 0, found), B 12x12 = 144 (bin 1, missed), C 15x15 = 225 (bin 2, found).
        // Prediction: A and C exactly, and D 5x5 = 25 touching nothing (an unmatched prediction in bin 1).
        let truth = try Shapes.boxes(height: 40, width: 60, [(1, 0, 0, 4, 4), (2, 0, 10, 12, 12), (3, 20, 0, 15, 15)])
        let prediction = try Shapes.boxes(
            height: 40, width: 60, [(1, 0, 0, 4, 4), (3, 20, 0, 15, 15), (4, 20, 40, 5, 5)])
        let image = try ImageEvaluation(
            name: "bins", predicted: prediction, truth: truth, options: EvaluationOptions(sizeBins: bins))
        let rows = image.sizeBins.map { [$0.trueObjects, $0.truePositives, $0.falseNegatives, $0.falsePositives] }
        #expect(rows == [[1, 1, 0, 0], [1, 0, 1, 1], [1, 1, 0, 0]])
        #expect(image.sizeBins[1].recall == 0)
        #expect(image.sizeBins[2].f1 == 1)
    }

    @Test("invalid options are refused with the value in the message")
    func invalidOptions() {
        #expect(throws: EvaluationError.self) { try SizeBins(edges: [400, 100]) }
        #expect(throws: EvaluationError.self) {
            try DatasetEvaluation(options: EvaluationOptions(thresholds: [0.5, 1]))
        }
        #expect(throws: EvaluationError.self) {
            try DatasetEvaluation(options: EvaluationOptions(thresholds: [0.7, 0.5]))
        }
        do {
            _ = try SizeBins(edges: [0, 10])
            Issue.record("edges with 0 were accepted")
        } catch {
            #expect("\(error)".contains("[0, 10]"))
        }
    }

    @Test("the standard thresholds are 0.5, 0.55, ..., 0.95 as written in decimal")
    func standardThresholds() {
        #expect(EvaluationOptions.standardThresholds == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
    }
}
