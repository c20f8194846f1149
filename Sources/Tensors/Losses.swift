import Foundation

// Losses as fused Swift kernels: one pass for the value, one for the gradient, sums in Double.
// Each returns a scalar tensor of shape [1]. Weighted losses are weighted means, Σ w·ℓ / Σ w (the plain mean
// when no weights are given; 0, with zero gradient, when Σ w = 0). Weights never receive gradients.

/// Binary cross-entropy of `logits` against `targets` (same shape, values in [0, 1]), computed stably from
/// logits: ℓ = max(x, 0) − x·t + log(1 + e^(−|x|)).
///
/// - Parameters:
///   - logits: (N, C, ...) pre-sigmoid scores.
///   - targets: same shape; they get the gradient −x·w/Σw when they require one.
///   - weights: per-pixel weights, same shape or (N, 1, ...) shared by the channels; nil = all 1.
/// - Returns: [1], the weighted mean Σ w·ℓ / Σ w.
/// - Throws: `TensorsError.shapeMismatch` when the shapes differ.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor, weights: Tensor? = nil) throws -> Tensor {
    let op = "binary cross-entropy"
    try LossKernels.requireSameShape(logits, targets, op: op)
    let weighting = try PixelWeights(weights, for: logits.shape, op: op)
    let (x, t) = (try logits.values(), try targets.values())
    let (total, weightSum) = LossKernels.sum(x.count) { index in
        let (value, target) = (Double(x[index]), Double(t[index]))
        let loss = max(value, 0) - value * target + Foundation.log1p(Foundation.exp(-Swift.abs(value)))
        let weight = Double(weighting.weight(at: index))
        return (weight * loss, weight)
    }
    let output = try LossKernels.scalar(weightSum > 0 ? total / weightSum : 0)
    let wantsTargets = targets.requiresGradient
    return output.recorded(as: op, from: [logits, targets]) { gradient in
        let seed = try LossKernels.seed(gradient)
        let factor = weightSum > 0 ? seed / Float(weightSum) : 0
        let logitsGradient = LossKernels.tensor(logits.shape) { index in
            let value = x[index]
            // σ(x) without overflow for large |x|.
            let sigmoid =
                value >= 0 ? 1 / (1 + Foundation.exp(-value)) : Foundation.exp(value) / (1 + Foundation.exp(value))
            return factor * weighting.weight(at: index) * (sigmoid - t[index])
        }
        let targetsGradient =
            wantsTargets
            ? LossKernels.tensor(targets.shape) { -factor * weighting.weight(at: $0) * x[$0] } : nil
        return [logitsGradient, targetsGradient]
    }
}

/// Cross-entropy of per-pixel class scores against class indices, softmax taken over channels:
/// ℓ = log Σ_k e^(x_k) − x_target at every pixel whose target is not `ignoreIndex`.
///
/// - Parameters:
///   - logits: (N, C, ...) class scores.
///   - targets: (N, 1, ...) class index per pixel stored as Float (0...C−1), or `ignoreIndex`.
///   - weights: optional (N, 1, ...) per-pixel weights.
///   - ignoreIndex: the target value of pixels that do not count (default −1).
/// - Returns: [1], Σ w·ℓ / Σ w over the pixels that are not ignored; 0 (and zero gradient) when all are.
/// - Throws: `TensorsError.shapeMismatch` for targets or weights not (N, 1, ...); `.invalidArgument` for a
///   target that is neither a class index nor `ignoreIndex`.
public func crossEntropy(
    _ logits: Tensor, targets: Tensor, weights: Tensor? = nil, ignoreIndex: Int = -1
) throws -> Tensor {
    let op = "cross-entropy"
    var pixelShape = logits.shape
    guard pixelShape.count >= 2 else { throw TensorsError.shapeMismatch(op: op, lhs: logits.shape, rhs: targets.shape) }
    pixelShape[1] = 1
    guard targets.shape == pixelShape else {
        throw TensorsError.shapeMismatch(op: op, lhs: logits.shape, rhs: targets.shape)
    }
    if let weights, weights.shape != pixelShape {
        throw TensorsError.shapeMismatch(op: "\(op) weights", lhs: logits.shape, rhs: weights.shape)
    }
    let (channels, pixels) = (logits.shape[1], logits.shape.dropFirst(2).reduce(1, *))
    let classes = try crossEntropyClasses(targets.values(), channels: channels, ignoreIndex: ignoreIndex, op: op)
    let pixelWeights = try weights?.values()
    let x = try logits.values()
    /// Max and log-sum-exp of pixel `p`'s scores (they sit `pixels` apart).
    func logSumExp(_ p: Int) -> (base: Int, maximum: Float, value: Double) {
        let base = (p / pixels) * channels * pixels + p % pixels
        var maximum = -Float.infinity
        for c in 0..<channels { maximum = max(maximum, x[base + c * pixels]) }
        var sum = 0.0
        for c in 0..<channels { sum += Foundation.exp(Double(x[base + c * pixels] - maximum)) }
        return (base, maximum, Double(maximum) + Foundation.log(sum))
    }
    let (total, weightSum) = LossKernels.sum(classes.count) { p in
        guard classes[p] >= 0 else { return (0, 0) }
        let weight = Double(pixelWeights?[p] ?? 1)
        let (base, _, value) = logSumExp(p)
        return (weight * (value - Double(x[base + classes[p] * pixels])), weight)
    }
    let output = try LossKernels.scalar(weightSum > 0 ? total / weightSum : 0)
    return output.recorded(as: op, from: [logits]) { gradient in
        let seed = Double(try LossKernels.seed(gradient))
        let factor = weightSum > 0 ? seed / weightSum : 0
        let result = try Tensor.zeros(logits.shape)
        let out = result.storageFloats
        StorageKernels.forEachChunk(classes.count, minimumChunk: 4096) { range in
            for p in range where classes[p] >= 0 {
                let (base, _, value) = logSumExp(p)
                let scale = factor * Double(pixelWeights?[p] ?? 1)
                for c in 0..<channels {
                    let probability = Foundation.exp(Double(x[base + c * pixels]) - value)
                    out[base + c * pixels] = Float(scale * (probability - (c == classes[p] ? 1 : 0)))
                }
            }
        }
        return [result]
    }
}

/// Target values as class indices, −1 for ignored pixels; throws on anything else.
private func crossEntropyClasses(_ targets: [Float], channels: Int, ignoreIndex: Int, op: String) throws -> [Int] {
    try targets.map { value in
        let index = Int(value.rounded())
        guard Float(index) == value, index == ignoreIndex || (0..<channels).contains(index) else {
            throw TensorsError.invalidArgument(
                op: op,
                reason:
                    "target \(value) is neither a class index in 0..<\(channels) nor the ignore index \(ignoreIndex)")
        }
        return index == ignoreIndex ? -1 : index
    }
}

/// Soft Dice loss: for each channel c, with sums over the batch and all pixels,
/// D_c = (2·Σ p·t + smooth) / (Σ p + Σ t + smooth) (or Σ p² + Σ t² in the denominator when
/// `squaredDenominator`), and loss = 1 − (1/C)·Σ_c D_c.
///
/// - Parameters:
///   - probabilities: (N, C, ...) predicted probabilities (after sigmoid or softmax).
///   - targets: same shape, values in [0, 1]; they get gradients too when they require them.
///   - smooth: added to numerator and denominator (keeps empty channels at D = 1).
/// - Returns: [1], in [0, 1] for inputs in [0, 1].
/// - Throws: `TensorsError.shapeMismatch` when the shapes differ.
public func softDice(
    _ probabilities: Tensor, _ targets: Tensor, smooth: Float = 1, squaredDenominator: Bool = false
) throws -> Tensor {
    let op = "soft Dice"
    try LossKernels.requireSameShape(probabilities, targets, op: op)
    let (batch, channels) = (probabilities.shape[0], probabilities.shape[1])
    let pixels = probabilities.elementCount / (batch * channels)
    let (p, t) = (try probabilities.values(), try targets.values())
    // Per (sample, channel) sums of p·t, p (or p²), t (or t²), then per channel.
    let partial = UnsafeMutableBufferPointer<(Double, Double, Double)>.allocate(capacity: batch * channels)
    defer { partial.deallocate() }
    StorageKernels.forEachChunk(batch * channels, minimumChunk: 1) { range in
        for item in range {
            var (intersection, predicted, target) = (0.0, 0.0, 0.0)
            for index in (item * pixels)..<((item + 1) * pixels) {
                let (a, b) = (Double(p[index]), Double(t[index]))
                intersection += a * b
                predicted += squaredDenominator ? a * a : a
                target += squaredDenominator ? b * b : b
            }
            partial[item] = (intersection, predicted, target)
        }
    }
    let s = Double(smooth)
    var numerators = [Double](repeating: s, count: channels)
    var denominators = [Double](repeating: s, count: channels)
    for item in 0..<(batch * channels) {
        numerators[item % channels] += 2 * partial[item].0
        denominators[item % channels] += partial[item].1 + partial[item].2
    }
    let dice = zip(numerators, denominators).map { $0 / $1 }
    let output = try LossKernels.scalar(1 - dice.reduce(0, +) / Double(channels))
    let wantsTargets = targets.requiresGradient
    return output.recorded(as: op, from: [probabilities, targets]) { gradient in
        let seed = Double(try LossKernels.seed(gradient)) / Double(channels)
        /// d(loss)/d(a) where `a` is one operand's element and `b` the other's, channel c.
        func derivative(_ a: Float, _ b: Float, _ c: Int) -> Float {
            let denominatorTerm = squaredDenominator ? 2 * Double(a) : 1
            let (numerator, denominator) = (numerators[c], denominators[c])
            let value = (2 * Double(b) * denominator - numerator * denominatorTerm) / (denominator * denominator)
            return Float(-seed * value)
        }
        let probabilitiesGradient = LossKernels.tensor(probabilities.shape) {
            derivative(p[$0], t[$0], ($0 / pixels) % channels)
        }
        let targetsGradient =
            wantsTargets
            ? LossKernels.tensor(targets.shape) { derivative(t[$0], p[$0], ($0 / pixels) % channels) } : nil
        return [probabilitiesGradient, targetsGradient]
    }
}

/// Mean squared error: Σ w·(prediction − target)² / Σ w.
///
/// - Parameters:
///   - prediction: (N, C, ...).
///   - target: same shape; it gets the opposite gradient when it requires one.
///   - weights: per-pixel weights, same shape or (N, 1, ...); nil = all 1 (the plain mean).
/// - Returns: [1].
/// - Throws: `TensorsError.shapeMismatch` when the shapes differ.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor, weights: Tensor? = nil) throws -> Tensor {
    let op = "mean squared error"
    try LossKernels.requireSameShape(prediction, target, op: op)
    let weighting = try PixelWeights(weights, for: prediction.shape, op: op)
    let (p, t) = (try prediction.values(), try target.values())
    let (total, weightSum) = LossKernels.sum(p.count) { index in
        let difference = Double(p[index]) - Double(t[index])
        let weight = Double(weighting.weight(at: index))
        return (weight * difference * difference, weight)
    }
    let output = try LossKernels.scalar(weightSum > 0 ? total / weightSum : 0)
    let wantsTarget = target.requiresGradient
    return output.recorded(as: op, from: [prediction, target]) { gradient in
        let seed = try LossKernels.seed(gradient)
        let factor = weightSum > 0 ? 2 * seed / Float(weightSum) : 0
        let predictionGradient = LossKernels.tensor(prediction.shape) {
            factor * weighting.weight(at: $0) * (p[$0] - t[$0])
        }
        let targetGradient =
            wantsTarget
            ? LossKernels.tensor(target.shape) { factor * weighting.weight(at: $0) * (t[$0] - p[$0]) } : nil
        return [predictionGradient, targetGradient]
    }
}
