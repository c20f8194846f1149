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
    /// An option is outside its valid range.
    case invalidOption(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDataset(let reason): reason
        case .mismatchedSample(let stem, let reason): "sample '\(stem)': \(reason)"
        case .incompatibleImage(let source, let reason): "image '\(source)': \(reason)"
        case .incompatibleModel(let source, let reason): "model '\(source)': \(reason)"
        case .invalidOption(let name, let value, let reason): "\(name) \(value) is not valid: \(reason)"
        }
    }
}
