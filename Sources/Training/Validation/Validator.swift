import Evaluation
import Imaging

/// Scores a model on held-out images each epoch. Instance tasks are scored by instance matching (the selection
/// score is AP at IoU 0.5), classes by mean IoU over the non-background classes.
struct Validator {
    let task: SegmentationTask
    let samples: [ValidationSample]

    /// Name of the score that selects the best model.
    var scoreName: String {
        switch task {
        case .classes: "mean_iou"
        case .scribbles: "scribble_likelihood"
        case .instances, .binary, .edges: "ap50"
        }
    }

    /// Scores by name and the selection score (nil without samples).
    func score(_ model: SegmentationModel) throws -> (values: [String: Double], score: Double?) {
        guard !samples.isEmpty else { return ([:], nil) }
        if task == .scribbles { return try scoreScribbles(model) }
        let predictor = try model.predictor()
        let decoder = InstanceDecoder(task: task, options: model.info.instances)
        if task == .classes {
            var confusion = ConfusionMatrix()
            for sample in samples {
                let predicted = try decoder.labels(
                    from: try model.probabilities(of: sample.image, predictor: predictor), shape: sample.labels.shape)
                confusion.merge(try ConfusionMatrix(predicted: predicted, truth: sample.labels, mapping: .classes))
            }
            let meanIoU = confusion.meanIoU(excludingBackground: true)
            return (["mean_iou": meanIoU, "pixel_accuracy": confusion.pixelAccuracy], meanIoU)
        }
        var evaluation = try DatasetEvaluation()
        for sample in samples {
            let probabilities = try model.cellScaledProbabilities(of: sample.image, predictor: predictor)
            let predicted = try probabilities.labels(decodedBy: decoder, restoredTo: sample.labels.shape)
            evaluation.add(
                try ImageEvaluation(name: sample.stem, predicted: predicted, truth: try Self.instances(sample.labels)))
        }
        let summary = evaluation.summary
        let values: [String: Double] = [
            "ap50": summary.averagePrecisionAt50 ?? 0, "ap75": summary.averagePrecisionAt75 ?? 0,
            "map": summary.meanAveragePrecision, "f1_50": summary.f1At50 ?? 0,
            "pixel_accuracy": summary.pixelAccuracy, "foreground_iou": summary.foregroundIoU,
        ]
        return (values, values["ap50"])
    }

    /// Instances of a ground truth: a binary mask (one non-zero value) becomes connected components.
    static func instances(_ labels: LabelImage) throws -> LabelImage {
        var values = Set<UInt32>()
        for label in labels.labels where label != 0 {
            values.insert(label)
            if values.count > 1 { return labels }
        }
        return try labels.connectedComponents(connectivity: .full)
    }
}
