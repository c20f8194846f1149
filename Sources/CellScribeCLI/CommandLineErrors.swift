import ArgumentParser
import Scribbles
import Settings
import Training

/// A failure reported in the command line's words: `Error: <description>` and exit status 1, without the usage
/// text (the arguments parsed; the values did not work).
struct CommandLineError: Error, CustomStringConvertible {
    var description: String
}

/// Library errors in the command line's words: a setting is named by its flag (`--batch-size`), never by the
/// plain name the library uses, so the message tells the user what to type.
enum CommandLineErrors {
    /// `error` with settings renamed to flags; other errors unchanged.
    static func rendered(_ error: any Error) -> any Error {
        switch error {
        case let invalid as InvalidSetting:
            CommandLineError(description: invalid.rendered(name: flag(for: invalid.setting)))
        case TrainingError.invalidSetting(let invalid):
            CommandLineError(description: invalid.rendered(name: flag(for: invalid.setting)))
        case ScribblesError.invalidBudget(.fraction(let fraction), let allowed):
            CommandLineError(description: "--fraction must be \(allowed), not \(fraction)")
        case ScribblesError.invalidBudget(.count(let count), let allowed):
            CommandLineError(description: "--count must be \(allowed), not \(count)")
        default: error
        }
    }

    /// The flag (or flags) that set `setting`; the plain name for settings no flag sets.
    static func flag(for setting: TrainingSetting) -> String {
        switch setting {
        case .task: "--task"
        case .dimensions: "--dims"
        case .patchShape: "--patch"
        case .batchSize: "--batch-size"
        case .learningRate: "--learning-rate"
        case .epochs: "--epochs"
        case .timeBudgetSeconds: "--time-budget"
        case .stopCondition: "--epochs or --time-budget"
        case .stepsPerEpoch: "--steps-per-epoch"
        case .validationFraction: "--val-fraction"
        case .checkpointEvery: "--checkpoint-every"
        case .ensembleSize: "--ensemble"
        case .contactWidth: "--contact-width"
        case .cellDiameter: "--cell-diameter"
        case .weightMap: "--w0/--sigma"
        case .spacing: "--spacing"
        case .mixtureComponents: "--components"
        case .reconstructedChannels: "--reconstruct"
        case .scribbleTasks: "--scribbles"
        case .totalVariationWeight: "--tv-weight"
        case .fineTune: "--from"
        case .tileShape: "--tile"
        case .seed: "--seed"
        case .weightDecay, .foregroundFraction, .augmentation, .previewEvery, .tileBatchSize: setting.displayName
        }
    }
}
