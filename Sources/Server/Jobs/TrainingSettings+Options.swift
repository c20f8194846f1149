import Settings
import Training

extension TrainingSettings {
    /// The trainer's options for a scribbles job with these settings (already filled from the project's) on
    /// `dimensions`-D images; a square patch side becomes `(side, side)`, or `(Z, side, side)` with the trainer's
    /// default depth for stacks. Gaps keep the trainer's defaults (`TrainingOptions`).
    func trainingOptions(dimensions: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.task = .scribbles
        options.dimensions = dimensions
        options.epochs = epochs
        options.timeBudgetSeconds = effectiveTimeBudgetSeconds
        if let learningRate { options.learningRate = Float(learningRate) }
        if let side = patchSize {
            options.patchShape = dimensions == 3 ? [options.effectivePatchShape[0], side, side] : [side, side]
        }
        options.batchSize = batchSize
        if let ensembleSize { options.ensembleSize = ensembleSize }
        if let seed { options.seed = seed }
        return options
    }
}
