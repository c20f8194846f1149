import Foundation
import Storage
import Training

/// Training settings as the API takes them: checked ranges, defaults, and the trainer's options.
enum JobSettings {
    /// Without a time budget or epochs, a job trains this long (seconds): about a minute, the interactive loop.
    static let defaultTimeBudgetSeconds = 60.0
    static let defaultPreviewEvery = 1

    /// Throws a 422 naming the first setting out of range.
    static func validate(_ settings: TrainingSettingsRecord) throws {
        func fail(_ name: String, _ value: Any, _ range: String) -> ServerError {
            ServerError.unprocessable("\(name) must be \(range), not \(value)")
        }
        if let v = settings.timeBudgetSeconds, !(v >= 1 && v <= 86_400) { throw fail("timeBudgetSeconds", v, "1 to 86400") }
        if let v = settings.epochs, !(1...100_000).contains(v) { throw fail("epochs", v, "1 to 100000") }
        if let v = settings.learningRate, !(v >= 1e-8 && v <= 1) { throw fail("learningRate", v, "from 1e-8 to 1") }
        if let v = settings.patchSize, !(32...512).contains(v) || v % 16 != 0 {
            throw fail("patchSize", v, "a multiple of 16 from 32 to 512")
        }
        if let v = settings.batchSize, !(1...64).contains(v) { throw fail("batchSize", v, "1 to 64") }
        if let v = settings.ensembleSize, !(1...10).contains(v) { throw fail("ensembleSize", v, "1 to 10") }
        if let v = settings.previewEvery, !(0...10_000).contains(v) { throw fail("previewEvery", v, "0 to 10000") }
    }

    /// The trainer's options for a scribbles job with `settings` (already filled from the project's).
    static func trainingOptions(_ settings: TrainingSettingsRecord) -> TrainingOptions {
        var options = TrainingOptions()
        options.task = .scribbles
        options.dimensions = 2
        options.epochs = settings.epochs
        options.timeBudgetSeconds = settings.epochs == nil ? settings.timeBudgetSeconds ?? defaultTimeBudgetSeconds : settings.timeBudgetSeconds
        if let rate = settings.learningRate { options.learningRate = Float(rate) }
        if let side = settings.patchSize { options.patchShape = [side, side] }
        options.batchSize = settings.batchSize
        options.ensembleSize = settings.ensembleSize ?? 1
        if let seed = settings.seed { options.seed = seed }
        return options
    }
}
