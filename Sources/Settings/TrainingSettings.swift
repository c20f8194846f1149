/// The training settings a person chooses for a project or a job (the server's JSON settings object). Every field
/// is optional: a job's settings fill their gaps from the project's, the project's from the trainer's defaults
/// (`TrainingOptions`). Ranges come from `TrainingLimits`.
public struct TrainingSettings: Codable, Sendable, Equatable {
    /// Without a time budget or epochs, an interactive job trains this long, seconds: about a minute.
    public static let interactiveTimeBudgetSeconds = 60.0
    /// Without a choice, viewers get a fresh preview prediction every epoch.
    public static let defaultPreviewEvery = 1
    /// Without a choice, a job starts from the project's latest model.
    public static let defaultFineTune = true

    /// Wall-clock budget, seconds.
    public var timeBudgetSeconds: Double?
    public var epochs: Int?
    public var learningRate: Double?
    /// Square patch side, pixels.
    public var patchSize: Int?
    public var batchSize: Int?
    /// Start from the project's latest model (true) or from random weights (false).
    public var fineTune: Bool?
    /// Checkpoint-ensemble cycles (1: a single model).
    public var ensembleSize: Int?
    /// Send a fresh preview prediction every this many epochs (0: never).
    public var previewEvery: Int?
    public var seed: UInt64?

    public init(
        timeBudgetSeconds: Double? = nil, epochs: Int? = nil, learningRate: Double? = nil, patchSize: Int? = nil,
        batchSize: Int? = nil, fineTune: Bool? = nil, ensembleSize: Int? = nil, previewEvery: Int? = nil,
        seed: UInt64? = nil
    ) {
        self.timeBudgetSeconds = timeBudgetSeconds
        self.epochs = epochs
        self.learningRate = learningRate
        self.patchSize = patchSize
        self.batchSize = batchSize
        self.fineTune = fineTune
        self.ensembleSize = ensembleSize
        self.previewEvery = previewEvery
        self.seed = seed
    }

    /// These settings with the gaps filled from `defaults`.
    public func filled(from defaults: TrainingSettings) -> TrainingSettings {
        TrainingSettings(
            timeBudgetSeconds: timeBudgetSeconds ?? (epochs == nil ? defaults.timeBudgetSeconds : nil),
            epochs: epochs ?? (timeBudgetSeconds == nil ? defaults.epochs : nil),
            learningRate: learningRate ?? defaults.learningRate, patchSize: patchSize ?? defaults.patchSize,
            batchSize: batchSize ?? defaults.batchSize, fineTune: fineTune ?? defaults.fineTune,
            ensembleSize: ensembleSize ?? defaults.ensembleSize, previewEvery: previewEvery ?? defaults.previewEvery,
            seed: seed ?? defaults.seed)
    }

    /// The wall-clock budget a job with these settings runs under: the budget given, else the interactive default
    /// unless epochs alone end the run.
    public var effectiveTimeBudgetSeconds: Double? {
        timeBudgetSeconds ?? (epochs == nil ? Self.interactiveTimeBudgetSeconds : nil)
    }

    /// - Throws: `InvalidSetting` for the first field out of its `TrainingLimits` range.
    public func validate() throws {
        if let timeBudgetSeconds { try TrainingLimits.timeBudgetSeconds.check(timeBudgetSeconds) }
        if let epochs { try TrainingLimits.epochs.check(epochs) }
        if let learningRate { try TrainingLimits.learningRate.check(learningRate) }
        if let patchSize { try TrainingLimits.patchExtent.check(patchSize) }
        if let batchSize { try TrainingLimits.batchSize.check(batchSize) }
        if let ensembleSize { try TrainingLimits.ensembleSize.check(ensembleSize) }
        if let previewEvery { try TrainingLimits.previewEvery.check(previewEvery) }
    }
}
