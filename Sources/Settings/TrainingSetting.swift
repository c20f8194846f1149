/// Every setting a training run takes, named once. Errors carry these values instead of a command-line flag or
/// a JSON field, so each front end names the setting in its own words: the CLI as a flag (`--batch-size`), the
/// server as a field of its JSON settings object (`batchSize`).
public enum TrainingSetting: String, Sendable, CaseIterable, Codable {
    case task
    case dimensions
    case patchShape
    case batchSize
    case learningRate
    case weightDecay
    case epochs
    case timeBudgetSeconds
    /// Neither epochs nor a time budget: nothing would end the run.
    case stopCondition
    case stepsPerEpoch
    case validationFraction
    case checkpointEvery
    case foregroundFraction
    case ensembleSize
    case contactWidth
    case cellDiameter
    case weightMap
    case spacing
    case augmentation
    case mixtureComponents
    case reconstructedChannels
    case scribbleTasks
    case totalVariationWeight
    case fineTune
    case previewEvery
    case tileShape
    case tileBatchSize
    case seed

    /// The setting in plain words, for messages that no front end has renamed.
    public var displayName: String {
        switch self {
        case .task: "task"
        case .dimensions: "dimensions"
        case .patchShape: "patch size"
        case .batchSize: "batch size"
        case .learningRate: "learning rate"
        case .weightDecay: "weight decay"
        case .epochs: "epochs"
        case .timeBudgetSeconds: "time budget (seconds)"
        case .stopCondition: "epochs or time budget"
        case .stepsPerEpoch: "steps per epoch"
        case .validationFraction: "validation fraction"
        case .checkpointEvery: "checkpoint interval (epochs)"
        case .foregroundFraction: "foreground patch fraction"
        case .ensembleSize: "ensemble size"
        case .contactWidth: "contact width"
        case .cellDiameter: "cell diameter"
        case .weightMap: "weight map (w0, sigma)"
        case .spacing: "spacing"
        case .augmentation: "augmentation"
        case .mixtureComponents: "mixture components"
        case .reconstructedChannels: "reconstructed channels"
        case .scribbleTasks: "scribble tasks"
        case .totalVariationWeight: "total-variation weight"
        case .fineTune: "fine-tune"
        case .previewEvery: "preview interval (epochs)"
        case .tileShape: "tile size"
        case .tileBatchSize: "tile batch size"
        case .seed: "seed"
        }
    }
}
