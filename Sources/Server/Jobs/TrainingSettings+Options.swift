import Settings
import Training

extension TrainingSettings {
    /// The trainer's options for a scribbles job with these settings (already filled from the project's) on
    /// `dimensions`-D images; a square patch side becomes `(side, side)`, or `(Z, side, side)` with the trainer's
    /// default depth for stacks. Gaps keep the trainer's defaults (`TrainingOptions`). No job trains longer than
    /// `maxSeconds`, whatever its epochs.
    func trainingOptions(dimensions: Int, maxSeconds: Double = TrainingLimits.timeBudgetSeconds.maximum)
        -> TrainingOptions
    {
        var options = TrainingOptions()
        options.task = .scribbles
        options.dimensions = dimensions
        options.epochs = epochs
        options.timeBudgetSeconds = min(effectiveTimeBudgetSeconds ?? maxSeconds, maxSeconds)
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
