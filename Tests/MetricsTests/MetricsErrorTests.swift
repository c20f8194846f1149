import Testing

@testable import Metrics

@Test("metrics errors name both shapes")
func metricsErrorMessage() {
    let error = MetricsError.shapeMismatch(prediction: [4, 5], truth: [4, 6])
    #expect(error.description == "the prediction has shape [4, 5] but its ground truth has shape [4, 6]")
}
