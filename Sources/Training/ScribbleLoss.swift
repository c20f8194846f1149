import Tensors

/// ImPartial's objective for learning from scribbles (METHOD §1):
/// `foregroundWeight · L_fore + backgroundWeight · L_back + reconstructionWeight · L_rec`.
/// - L_fore / L_back: for each class, the mean over each image's scribbled pixels of that class of
///   −log max(P_c, 1e−20), averaged over the images of the batch that have such scribbles; foreground classes
///   averaged. P_c sums the class's mixture components.
/// - L_rec: per reconstructed channel, the mean over the masked (blind-spot) pixels of ½(I − μ)², where
///   μ(x) = Σ_k μ_k p_k(x) imputes the pixel from the component means μ_k = Σ_x m_k(x) p_k(x) / Σ_x p_k(x)
///   averaged over the patch; averaged over samples and channels.
struct ScribbleLoss: TrainingObjective {
    /// Classes including background (class 0).
    let classes: Int
    /// Mixture components per class (ImPartial: one per input channel).
    let componentsPerClass: Int
    /// Input channels, all reconstructed.
    let channels: Int
    var foregroundWeight: Float = 0.45
    var backgroundWeight: Float = 0.45
    var reconstructionWeight: Float = 0.1

    var head: OutputHead { .componentMixture(classes: classes, componentsPerClass: componentsPerClass) }

    /// The loss of `scores` `(N, K(1 + C), ...)` for `batch` (class targets with weight > 0 on scribbled pixels;
    /// `reconstruction` and `reconstructionMask` for the blind-spot term); a scalar tensor.
    func callAsFunction(_ scores: Tensor, batch: PatchBatch) throws -> Tensor {
        let components = classes * componentsPerClass
        let mixture = try scores.slicingChannels(0..<components).softmax()
        let probabilities = try head.classProbabilities(ofComponents: mixture)
        let weights = try Tensor(shape: probabilities.shape, values: partialWeights(batch))
        var loss = try (weights * (try probabilities.clamped(1e-20, 1).log())).sum().scaled(by: -1)
        if reconstructionWeight > 0, let clean = batch.reconstruction, let mask = batch.reconstructionMask {
            let reconstruction = try reconstructionLoss(scores, mixture: mixture, clean: clean, mask: mask, shape: batch.inputShape)
            loss = try loss + reconstruction.scaled(by: reconstructionWeight)
        }
        return loss
    }

    /// `(N, classes, ...)` weights: at an image's scribbled pixels of class c, 1 / (those pixels) / (images with
    /// class c scribbles), times the background weight (c = 0) or the foreground weight divided by the number of
    /// foreground classes scribbled in the batch.
    func partialWeights(_ batch: PatchBatch) -> [Float] {
        let shape = batch.targetShape
        let (count, pixels) = (shape[0], shape.dropFirst(2).reduce(1, *))
        var perImage = [[Float]](repeating: [Float](repeating: 0, count: classes), count: count)
        for n in 0..<count {
            for pixel in 0..<pixels where batch.weights[n * pixels + pixel] > 0 {
                let c = Int(batch.target[n * pixels + pixel])
                if c >= 0, c < classes { perImage[n][c] += batch.weights[n * pixels + pixel] }
            }
        }
        let imagesWith = (0..<classes).map { c in perImage.filter { $0[c] > 0 }.count }
        let foregroundPresent = (1..<max(classes, 1)).filter { imagesWith[$0] > 0 }.count
        var values = [Float](repeating: 0, count: count * classes * pixels)
        for n in 0..<count {
            for pixel in 0..<pixels where batch.weights[n * pixels + pixel] > 0 {
                let c = Int(batch.target[n * pixels + pixel])
                guard c >= 0, c < classes, perImage[n][c] > 0 else { continue }
                let classWeight = c == 0 ? backgroundWeight : foregroundWeight / Float(max(foregroundPresent, 1))
                values[(n * classes + c) * pixels + pixel] =
                    classWeight * batch.weights[n * pixels + pixel] / perImage[n][c] / Float(imagesWith[c])
            }
        }
        return values
    }

    /// Σ over channels of the blind-spot Gaussian loss, already averaged over samples and channels.
    func reconstructionLoss(_ scores: Tensor, mixture: Tensor, clean: [Float], mask: [Float], shape: [Int]) throws -> Tensor {
        let components = classes * componentsPerClass
        let spatialAxes = Array(2..<shape.count)
        let (count, pixels) = (shape[0], shape.dropFirst(2).reduce(1, *))
        let mass = try mixture.sum(axes: spatialAxes).scaled(by: 1, adding: 1e-6)
        var total: Tensor?
        for channel in 0..<channels {
            let means = try scores.slicingChannels((components + channel * components)..<(components + (channel + 1) * components))
            let statistics = try (means * mixture).sum(axes: spatialAxes) / mass
            let imputed = try (mixture * statistics).sum(axes: [1])
            var target = [Float](repeating: 0, count: count * pixels)
            var weights = [Float](repeating: 0, count: count * pixels)
            for n in 0..<count {
                let base = (n * channels + channel) * pixels
                let masked = mask[base..<(base + pixels)].reduce(0, +)
                guard masked > 0 else { continue }
                for pixel in 0..<pixels {
                    target[n * pixels + pixel] = clean[base + pixel]
                    weights[n * pixels + pixel] = 0.5 * mask[base + pixel] / masked / Float(count * channels)
                }
            }
            let targetShape = [count, 1] + shape.dropFirst(2)
            let difference = try imputed - (try Tensor(shape: targetShape, values: target))
            let term = try (try Tensor(shape: targetShape, values: weights) * difference * difference).sum()
            total = try total.map { try $0 + term } ?? term
        }
        return try total ?? Tensor.scalar(0, rank: shape.count)
    }
}
