/// The one owner of the ranges of training settings. The trainer's options (`TrainingOptions.validate`), the
/// command line's flags, the server's job settings (`TrainingSettings.validate`) and the API document's schema
/// limits all use these; a test checks that the committed OpenAPI document states the same numbers.
public enum TrainingLimits {
    /// Wall-clock budget of one run, seconds (at most a day: a resumed run counts the time already spent).
    public static let timeBudgetSeconds = SettingLimit<Double>(.timeBudgetSeconds, 1...86_400)
    public static let epochs = SettingLimit<Int>(.epochs, 1...100_000)
    public static let learningRate = SettingLimit<Double>(.learningRate, 1e-8...1)
    public static let weightDecay = SettingLimit<Double>(.weightDecay, 0...1)
    /// Every patch extent, pixels (the U-Net's poolings floor odd extents; `TrainingOptions.validate` also asks
    /// for at least one pixel at the coarsest level).
    public static let patchExtent = SettingLimit<Int>(.patchShape, 16...512)
    /// Patches per step (2 cores: more only adds memory).
    public static let batchSize = SettingLimit<Int>(.batchSize, 1...64)
    /// Checkpoint-ensemble cycles.
    public static let ensembleSize = SettingLimit<Int>(.ensembleSize, 1...10)
    /// Epochs between preview predictions sent to viewers (0: none).
    public static let previewEvery = SettingLimit<Int>(.previewEvery, 0...10_000)
    public static let stepsPerEpoch = SettingLimit<Int>(.stepsPerEpoch, 1...100_000)
    public static let checkpointEvery = SettingLimit<Int>(.checkpointEvery, 1...100_000)
    /// Fraction of images held out (below 1: something must be left to train on).
    public static let validationFraction = SettingLimit<Double>(.validationFraction, 0...0.9)
    public static let foregroundFraction = SettingLimit<Double>(.foregroundFraction, 0...1)
    /// Pixels around a contact between cells that count as boundary.
    public static let contactWidth = SettingLimit<Int>(.contactWidth, 0...16)
    /// Cell diameter the 2D instances task resizes images to, pixels (0: off).
    public static let cellDiameter = SettingLimit<Double>(.cellDiameter, 0...1000)
    public static let totalVariationWeight = SettingLimit<Double>(.totalVariationWeight, 0...1000)
}
