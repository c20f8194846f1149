import Testing

@testable import Segmentation

@Test("segmentation errors name the operation and both shapes")
func segmentationErrorMessage() {
    let error = SegmentationError.shapeMismatch(operation: "watershed", lhs: [4, 5], rhs: [4, 6])
    #expect(error.description == "watershed needs equal shapes, got [4, 5] and [4, 6]")
}
