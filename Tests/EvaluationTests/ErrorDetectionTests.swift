import Testing

@testable import Evaluation

@Suite struct ErrorDetectionTests {
    @Test func perfectRankingScoresOneAndReversedZero() throws {
        var perfect = ErrorDetection(upperBound: 1, binCount: 100)
        try perfect.add(scores: [0.9, 0.8, 0.1, 0.2, 0.05], isError: [true, true, false, false, false])
        #expect(perfect.areaUnderCurve == 1)
        var reversed = ErrorDetection(upperBound: 1, binCount: 100)
        try reversed.add(scores: [0.1, 0.2, 0.9, 0.8], isError: [true, true, false, false])
        #expect(reversed.areaUnderCurve == 0)
    }

    /// Errors at 0.3 and 0.7, right pixels at 0.5 and 0.1: of the 4 pairs, 3 are ordered correctly.
    @Test func mixedRankingCountsOrderedPairsAndTiesHalf() throws {
        var detection = ErrorDetection(upperBound: 1, binCount: 100)
        try detection.add(scores: [0.3, 0.7, 0.5, 0.1], isError: [true, true, false, false])
        #expect(detection.areaUnderCurve == 0.75)
        var ties = ErrorDetection(upperBound: 1, binCount: 100)
        try ties.add(scores: [0.5, 0.5], isError: [true, false])
        #expect(ties.areaUnderCurve == 0.5)
    }

    @Test func needsBothClassesAndMatchingLengths() throws {
        var detection = ErrorDetection()
        try detection.add(scores: [0.1, 0.2], isError: [false, false])
        #expect(detection.areaUnderCurve == nil)
        #expect(throws: EvaluationError.self) { try detection.add(scores: [0.1], isError: [true, false]) }
    }
}
