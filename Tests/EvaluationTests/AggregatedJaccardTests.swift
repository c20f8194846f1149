import Imaging
import Testing

@testable import Evaluation

@Suite("aggregated Jaccard index")
struct AggregatedJaccardTests {
    /// Truth: A (10x14 = 140 px) and B (10x4 = 40 px) two columns apart, and C (3x3 = 9 px) far away.
    /// Prediction: P (10x20 = 200 px) covering A, the gap and B; Q (5x5 = 25 px) touching nothing.
    /// A picks P (I 140, U 200); B picks P too (I 40, U 200: its IoU with P is the largest it has);
    /// C touches nothing (U += 9); Q was never picked (U += 25). AJI = 180 / 434.
    @Test("hand-computed example: a merge, a missed object and a spurious prediction")
    func handComputed() throws {
        let truth = try Shapes.boxes(height: 30, width: 30, [(1, 1, 1, 10, 14), (2, 1, 17, 10, 4), (3, 25, 25, 3, 3)])
        let prediction = try Shapes.boxes(height: 30, width: 30, [(1, 1, 1, 10, 20), (2, 15, 1, 5, 5)])
        let aji = AggregatedJaccard(overlaps: try OverlapTable(predicted: prediction, truth: truth))
        #expect(aji == AggregatedJaccard(intersection: 180, union: 434))
        #expect(aji.value == 180.0 / 434.0)
    }

    @Test("each true object takes the prediction of largest IoU, not of largest intersection")
    func largestIoU() throws {
        // Truth T: rows 0-9, cols 0-9 (100 px). Pa: rows 0-19, cols 0-5 (120 px; I 60, U 160, IoU 0.375).
        // Pb: rows 0-9, cols 6-9 (40 px; I 40, U 100, IoU 0.4). T picks Pb; Pa adds its 120 px to the union.
        let truth = try Shapes.boxes(height: 20, width: 12, [(1, 0, 0, 10, 10)])
        let prediction = try Shapes.boxes(height: 20, width: 12, [(1, 0, 0, 20, 6), (2, 0, 6, 10, 4)])
        let aji = AggregatedJaccard(overlaps: try OverlapTable(predicted: prediction, truth: truth))
        #expect(aji == AggregatedJaccard(intersection: 40, union: 220))
    }

    @Test("a perfect prediction scores 1; pooling adds intersections and unions")
    func perfectAndPooled() throws {
        let truth = try Shapes.disks(height: 30, width: 30, [(1, 10, 10, 5), (2, 20, 22, 4)])
        let perfect = AggregatedJaccard(overlaps: try OverlapTable(predicted: truth, truth: truth))
        #expect(perfect.value == 1)
        let pooled = perfect + AggregatedJaccard(intersection: 10, union: 30)
        #expect(pooled == AggregatedJaccard(intersection: perfect.intersection + 10, union: perfect.union + 30))
    }
}
