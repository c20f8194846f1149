import Imaging
import Scribbles

/// Scribble validation: the held-out scribbles of each image (labels in scribble values: 0 unlabelled,
/// 1-254 class, 255 background) against the model's class probabilities.
extension Validator {
    /// Per class (index 0 = background), the probabilities the model gives the true class at held-out
    /// scribbled pixels, and the foreground probability 1 − P(background) there.
    struct HeldOutScribbles {
        var trueClassProbability: [[Float]]
        var foregroundProbability: (foreground: [Float], background: [Float])
        var correct: [Int]
    }

    func heldOutScribbles(_ model: SegmentationModel) throws -> HeldOutScribbles {
        let predictor = try model.predictor()
        let classes = model.info.classCount
        var result = HeldOutScribbles(
            trueClassProbability: Array(repeating: [], count: classes), foregroundProbability: ([], []),
            correct: Array(repeating: 0, count: classes))
        for sample in samples {
            let probabilities = try model.probabilities(of: sample.image, predictor: predictor)
            let pixels = sample.labels.labels.count
            for (pixel, value) in sample.labels.labels.enumerated() where value != 0 {
                let truth = value == UInt32(ScribbleMap.background) ? 0 : Int(value)
                guard truth < classes else { continue }
                result.trueClassProbability[truth].append(probabilities[truth * pixels + pixel])
                let best = (0..<classes).max {
                    probabilities[$0 * pixels + pixel] < probabilities[$1 * pixels + pixel]
                }!
                if best == truth { result.correct[truth] += 1 }
                let foreground = 1 - probabilities[pixel]
                if truth == 0 {
                    result.foregroundProbability.background.append(foreground)
                } else {
                    result.foregroundProbability.foreground.append(foreground)
                }
            }
        }
        return result
    }

    /// "scribble_likelihood": the mean over classes of the mean probability of the true class (selection
    /// score, higher is better); "scribble_accuracy": the class-balanced accuracy of the most probable class.
    func scoreScribbles(_ model: SegmentationModel) throws -> (values: [String: Double], score: Double?) {
        let held = try heldOutScribbles(model)
        let present = held.trueClassProbability.indices.filter { !held.trueClassProbability[$0].isEmpty }
        guard !present.isEmpty else { return ([:], nil) }
        let likelihood =
            present.map { c in
                Double(held.trueClassProbability[c].reduce(0, +)) / Double(held.trueClassProbability[c].count)
            }.reduce(0, +) / Double(present.count)
        let accuracy =
            present.map { c in
                Double(held.correct[c]) / Double(held.trueClassProbability[c].count)
            }.reduce(0, +) / Double(present.count)
        return (["scribble_likelihood": likelihood, "scribble_accuracy": accuracy], likelihood)
    }

    /// The foreground threshold with the best balanced accuracy on the held-out scribbles (0.05 to 0.95 in
    /// steps of 0.05; among equally good thresholds the middle one, since scribbles away from cell borders
    /// often leave a wide range), or nil when they lack foreground or background pixels.
    func tunedScribbleThreshold(_ model: SegmentationModel) throws -> (threshold: Float, accuracy: Double)? {
        let held = try heldOutScribbles(model).foregroundProbability
        guard !held.foreground.isEmpty, !held.background.isEmpty else { return nil }
        let scored = (1...19).map { step -> (threshold: Float, accuracy: Double) in
            let threshold = Float(step) * 0.05
            let hits = Double(held.foreground.filter { $0 > threshold }.count) / Double(held.foreground.count)
            let rejections = Double(held.background.filter { $0 <= threshold }.count) / Double(held.background.count)
            return (threshold, (hits + rejections) / 2)
        }
        let best = scored.map(\.accuracy).max()!
        let ties = scored.filter { $0.accuracy >= best - 1e-9 }
        return ties[ties.count / 2]
    }
}
