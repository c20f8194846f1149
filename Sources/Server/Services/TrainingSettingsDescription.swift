import Settings
import Training

/// The training settings' limits and defaults as `GET /api/info` states them, so clients (the browser's
/// training panel) take them from their owners instead of repeating them.
struct TrainingSettingsDescription: Codable, Sendable, Equatable {
    struct Range: Codable, Sendable, Equatable {
        var minimum: Double
        var maximum: Double
    }

    /// Field of the settings object → its allowed range.
    var limits: [String: Range]
    /// What a job uses for a setting neither it nor its project gives.
    var defaults: TrainingSettings

    static let current: TrainingSettingsDescription = {
        func range<V: BinaryInteger>(_ limit: SettingLimit<V>) -> Range {
            Range(minimum: Double(limit.minimum), maximum: Double(limit.maximum))
        }
        let options = TrainingOptions()
        return TrainingSettingsDescription(
            limits: [
                "timeBudgetSeconds": Range(
                    minimum: TrainingLimits.timeBudgetSeconds.minimum, maximum: TrainingLimits.timeBudgetSeconds.maximum
                ),
                "learningRate": Range(
                    minimum: TrainingLimits.learningRate.minimum, maximum: TrainingLimits.learningRate.maximum),
                "epochs": range(TrainingLimits.epochs), "patchSize": range(TrainingLimits.patchExtent),
                "batchSize": range(TrainingLimits.batchSize), "ensembleSize": range(TrainingLimits.ensembleSize),
                "previewEvery": range(TrainingLimits.previewEvery),
            ],
            defaults: TrainingSettings(
                timeBudgetSeconds: TrainingSettings.interactiveTimeBudgetSeconds,
                // Through its text: Float 0.001 widened directly would read 0.0010000000474974513.
                learningRate: Double("\(options.learningRate)") ?? Double(options.learningRate),
                patchSize: options.effectivePatchShape.last, batchSize: options.effectiveBatchSize,
                fineTune: TrainingSettings.defaultFineTune, ensembleSize: options.ensembleSize,
                previewEvery: TrainingSettings.defaultPreviewEvery, seed: options.seed))
    }()
}
