import Settings

/// Errors raised while preparing data, training or predicting. Each message names the file or value involved.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A dataset folder or list cannot be used.
    case invalidDataset(String)
    /// An image and its label image do not fit together.
    case mismatchedSample(stem: String, reason: String)
    /// An image does not fit the model (channels, rank, size).
    case incompatibleImage(source: String, reason: String)
    /// A model file is not a CellScribe segmentation model, or does not fit the requested training.
    case incompatibleModel(source: String, reason: String)
    /// A setting has a value it cannot take (front ends name the setting their own way: a flag, a JSON field).
    case invalidSetting(InvalidSetting)

    public var description: String {
        switch self {
        case .invalidDataset(let reason): reason
        case .mismatchedSample(let stem, let reason): "sample '\(stem)': \(reason)"
        case .incompatibleImage(let source, let reason): "image '\(source)': \(reason)"
        case .incompatibleModel(let source, let reason): "model '\(source)': \(reason)"
        case .invalidSetting(let invalid): invalid.description
        }
    }
}

extension TrainingError {
    /// `.invalidSetting` for `setting` at `value`: it must be `allowed` (see `InvalidSetting`).
    static func invalid(_ setting: TrainingSetting, _ value: Any, _ allowed: String, context: String? = nil)
        -> TrainingError
    {
        .invalidSetting(InvalidSetting(setting, value: "\(value)", allowed: allowed, context: context))
    }

    /// Runs `check`, turning the `InvalidSetting` it throws into `.invalidSetting`.
    static func checking(_ check: () throws -> Void) throws {
        do { try check() } catch let invalid as InvalidSetting { throw TrainingError.invalidSetting(invalid) }
    }
}
