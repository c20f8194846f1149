import Tensors

/// ImPartial's objective for learning from scribbles (METHOD §1), summed over the tasks of `layout`:
/// `foregroundWeight · L_fore + backgroundWeight · L_back + reconstructionWeight · L_rec + totalVariationWeight · TV`.
/// - L_fore / L_back: for each class, the mean over each image's scribbled pixels of that class of
///   −log max(P_c, 1e−20), averaged over the images of the batch that have such scribbles; foreground classes
///   averaged. P_c sums the class's mixture components. Task t reads target channel t.
/// - L_rec: per reconstructed channel, the mean over the masked (blind-spot) pixels of ½(I − μ)², where
///   μ(x) = Σ_k μ_k p_k(x) imputes the pixel from the component means μ_k = Σ_x m_k(x) p_k(x) / Σ_x p_k(x)
///   averaged over the patch; averaged over samples and the task's reconstructed channels.
/// - TV: the mean absolute difference of each class probability between horizontally and vertically adjacent
///   pixels (in-plane in 3D); off by default, as in ImPartial.
struct ScribbleLoss: TrainingObjective {
    let layout: MixtureLayout
    var foregroundWeight: Float = 0.45
    var backgroundWeight: Float = 0.45
    var reconstructionWeight: Float = 0.1
    var totalVariationWeight: Float = 0

    var head: OutputHead { .componentMixture(layout) }

    /// The loss of `scores` `(N, layout.outputChannels, ...)` for `batch` (class targets `(N, tasks, ...)` with
    /// weight > 0 on scribbled pixels; `reconstruction` and `reconstructionMask` for the blind-spot term); a
    /// scalar tensor.
    func callAsFunction(_ scores: Tensor, batch: PatchBatch) throws -> Tensor {
        guard batch.targetChannels == layout.tasks.count else {
            throw TrainingError.invalidDataset(
                "the scribbles give \(batch.targetChannels) tasks but the model has \(layout.tasks.count)")
        }
        var total: Tensor?
        for (t, task) in layout.tasks.enumerated() {
            let mixture = try OutputHead.componentProbabilities(scores, layout: layout, task: t)
            let probabilities = try OutputHead.classProbabilities(ofComponents: mixture, task: task)
            let weights = try Tensor(
                shape: probabilities.shape, values: partialWeights(batch, task: t, classes: task.classes))
            var loss = try (weights * (try probabilities.clamped(1e-20, 1).log())).sum().scaled(by: -1)
            if reconstructionWeight > 0, !task.reconstructedChannels.isEmpty,
                let clean = batch.reconstruction, let mask = batch.reconstructionMask
            {
                let reconstruction = try reconstructionLoss(
                    scores, mixture: mixture, task: t, clean: clean, mask: mask, shape: batch.inputShape)
                loss = try loss + reconstruction.scaled(by: reconstructionWeight)
            }
            if totalVariationWeight > 0 {
                loss = try loss + (try Self.totalVariation(probabilities)).scaled(by: totalVariationWeight)
            }
            total = try total.map { try $0 + loss } ?? loss
        }
        return total!
    }

    /// Mean |P(x) − P(x + e)| over classes and in-plane neighbour pairs of `probabilities` `(N, classes, ...)`.
    static func totalVariation(_ probabilities: Tensor) throws -> Tensor {
        let classes = probabilities.shape[1]
        let depthAxis = probabilities.shape.count == 5 ? [1] : []
        // Per class, two 2x2 difference kernels: x (right − left) and y (below − above).
        let kernels: [Float] = (0..<classes).flatMap { _ in [-1, 1, 0, 0, -1, 0, 1, 0] as [Float] }
        let weight = try Tensor(shape: [2 * classes, 1] + depthAxis + [2, 2], values: kernels)
        let differences = try probabilities.convolved(
            with: weight, options: ConvolutionOptions(padding: [0], groups: classes))
        return try differences.abs().mean()
    }

    /// `(N, classes, ...)` weights for task `t` (target channel t): at an image's scribbled pixels of class c,
    /// 1 / (those pixels) / (images with class c scribbles), times the background weight (c = 0) or the
    /// foreground weight divided by the number of foreground classes scribbled in the batch.
    func partialWeights(_ batch: PatchBatch, task t: Int, classes: Int) -> [Float] {
        let shape = batch.targetShape
        let (count, pixels) = (shape[0], shape.dropFirst(2).reduce(1, *))
        let tasks = batch.targetChannels
        func index(_ n: Int, _ pixel: Int) -> Int { (n * tasks + t) * pixels + pixel }
        var perImage = [[Float]](repeating: [Float](repeating: 0, count: classes), count: count)
        for n in 0..<count {
            for pixel in 0..<pixels where batch.weights[index(n, pixel)] > 0 {
                let c = Int(batch.target[index(n, pixel)])
                if c >= 0, c < classes { perImage[n][c] += batch.weights[index(n, pixel)] }
            }
        }
        let imagesWith = (0..<classes).map { c in perImage.filter { $0[c] > 0 }.count }
        let foregroundPresent = (1..<max(classes, 1)).filter { imagesWith[$0] > 0 }.count
        var values = [Float](repeating: 0, count: count * classes * pixels)
        for n in 0..<count {
            for pixel in 0..<pixels where batch.weights[index(n, pixel)] > 0 {
                let c = Int(batch.target[index(n, pixel)])
                guard c >= 0, c < classes, perImage[n][c] > 0 else { continue }
                let classWeight = c == 0 ? backgroundWeight : foregroundWeight / Float(max(foregroundPresent, 1))
                values[(n * classes + c) * pixels + pixel] =
                    classWeight * batch.weights[index(n, pixel)] / perImage[n][c] / Float(imagesWith[c])
            }
        }
        return values
    }

    /// Task `t`'s blind-spot Gaussian loss over its reconstructed channels, averaged over samples and those
    /// channels; `mixture` is the task's component probabilities.
    func reconstructionLoss(
        _ scores: Tensor, mixture: Tensor, task t: Int, clean: [Float], mask: [Float], shape: [Int]
    ) throws -> Tensor {
        let task = layout.tasks[t]
        let (components, channels) = (task.componentCount, shape[1])
        let firstMean = layout.outputOffset(ofTask: t) + components
        let spatialAxes = Array(2..<shape.count)
        let (count, pixels) = (shape[0], shape.dropFirst(2).reduce(1, *))
        let mass = try mixture.sum(axes: spatialAxes).scaled(by: 1, adding: 1e-6)
        var total: Tensor?
        for (r, channel) in task.reconstructedChannels.enumerated() {
            let means = try scores.slicingChannels((firstMean + r * components)..<(firstMean + (r + 1) * components))
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
                    weights[n * pixels + pixel] =
                        0.5 * mask[base + pixel] / masked / Float(count * task.reconstructedChannels.count)
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
