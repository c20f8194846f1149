import Settings
import Tensors

/// A training loss: network scores and the batch they came from in, a scalar tensor out.
protocol TrainingObjective {
    func callAsFunction(_ scores: Tensor, batch: PatchBatch) throws -> Tensor
}

/// The training objective: weighted cross-entropy (softmax heads) or weighted binary cross-entropy (sigmoid
/// heads), plus soft Dice on the probabilities. Pixels with weight 0 (padding) count in neither term.
struct TrainingLoss: TrainingObjective {
    let head: OutputHead
    /// Output channels K.
    let channels: Int
    /// Weight of the Dice term (the cross-entropy term has weight 1).
    var diceWeight: Float = 1

    /// The loss of `scores` `(N, K, ...)` for `batch` (targets and weights `(N, 1, ...)`); a scalar tensor.
    func callAsFunction(_ scores: Tensor, batch: PatchBatch) throws -> Tensor {
        let targetShape = batch.targetShape
        let weights = try Tensor(shape: targetShape, values: batch.weights)
        let valid = try Tensor(shape: targetShape, values: batch.weights.map { $0 > 0 ? 1 : 0 })
        let probabilities = try head.probabilities(scores)
        let crossEntropyTerm: Tensor
        let oneHot: Tensor
        switch head {
        case .softmax:
            let target = try Tensor(shape: targetShape, values: batch.target)
            crossEntropyTerm = try crossEntropy(scores, targets: target, weights: weights)
            oneHot = try Tensor(
                shape: scores.shape, values: Self.oneHot(batch.target, channels: channels, shape: targetShape))
        case .sigmoid:
            oneHot = try Tensor(shape: targetShape, values: batch.target.map { $0 > 0 ? 1 : 0 })
            crossEntropyTerm = try binaryCrossEntropyWithLogits(scores, oneHot, weights: weights)
        case .componentMixture:
            throw TrainingError.invalid(
                .task, "scribbles", "a supervised task for this objective",
                context: "mixture heads train with the scribble objective, ScribbleLoss")
        }
        guard diceWeight > 0 else { return crossEntropyTerm }
        let dice = try softDice(probabilities * valid, oneHot * valid)
        return try crossEntropyTerm + dice.scaled(by: diceWeight)
    }

    /// `(N, K, ...)` one-hot encoding of class indices `(N, 1, ...)`.
    static func oneHot(_ classes: [Float], channels: Int, shape: [Int]) -> [Float] {
        let (batch, pixels) = (shape[0], shape.dropFirst(2).reduce(1, *))
        var values = [Float](repeating: 0, count: batch * channels * pixels)
        for n in 0..<batch {
            for pixel in 0..<pixels {
                let k = Int(classes[n * pixels + pixel])
                if k >= 0, k < channels { values[(n * channels + k) * pixels + pixel] = 1 }
            }
        }
        return values
    }
}
