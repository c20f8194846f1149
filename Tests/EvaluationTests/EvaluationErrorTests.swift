import Testing

@testable import Evaluation

@Test("metrics errors name both shapes")
func metricsErrorMessage() {
    let error = EvaluationError.shapeMismatch(prediction: [4, 5], truth: [4, 6])
    #expect(error.description == "the prediction has shape [4, 5] but its ground truth has shape [4, 6]")
}

@Test("errors about files name the files, shapes and stems involved")
func metricsFileErrorMessages() {
    let shapes = EvaluationError.imageShapeMismatch(
        image: "a", predictionFile: "a.tif", prediction: [8, 8], truthFile: "a.png", truth: [8, 9])
    #expect(
        shapes.description
            == "image 'a': the prediction 'a.tif' has shape [8, 8] but the ground truth 'a.png' has shape [8, 9]; "
            + "both must cover the same pixels")
    let stems = EvaluationError.noMatchingStems(
        predictionFolder: "p", predictionStems: ["a", "b", "c", "d", "e", "f", "g"], truthFolder: "t", truthStems: [])
    #expect(
        stems.description
            == "no prediction in 'p' has the file stem of a ground truth in 't' (files are paired by name without "
            + "extension; prediction stems: 'a', 'b', 'c', 'd', 'e' and 2 more; ground-truth stems: none)")
    #expect(EvaluationError.missingFolder(role: "prediction", path: "/x").description.contains("'/x'"))
}
