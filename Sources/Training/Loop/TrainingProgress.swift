import Foundation
import Networks
import Tensors

/// Where a training run stands; stored in checkpoints so `--resume` continues where it stopped.
struct TrainingProgress: Codable, Sendable {
    var epoch = 0
    var steps = 0
    var elapsedSeconds = 0.0
    var bestScore: Double?
    var bestEpoch: Int?
    /// Checkpoint ensembles: the cycle under way (0-based) and the best score within it.
    var cycle: Int?
    var cycleBestScore: Double?
    /// The reduce-on-plateau state (only with `--schedule plateau`), fed 1 − score (or the training loss
    /// without validation images) so that lower is better.
    var plateau: ReduceOnPlateauSchedule?

    /// What model files record under `training`.
    func record(options: TrainingOptions) -> TrainingRecord { TrainingRecord(progress: self, options: options) }
}

/// The `training` metadata of a model file: the run's options and progress.
struct TrainingRecord: Codable, Sendable {
    var progress: TrainingProgress
    var options: TrainingOptions
}

/// The part of a `TrainingRecord` that resuming needs; read on its own so that checkpoints written before an
/// option was added still resume.
private struct StoredProgress: Decodable {
    var progress: TrainingProgress
}

/// The network (and, when resuming, progress) a run starts from instead of a fresh initialisation.
struct StartingPoint {
    var network: UNet
    var info: SegmentationModelInfo
    var progress: TrainingProgress?
    /// Resuming a checkpoint ensemble: the members of the cycles already finished.
    var members: [UNet] = []

    /// The checkpoint to resume (when given and present), else the model to fine-tune, else nil.
    ///
    /// - Throws: `TrainingError.incompatibleModel` when the model's task or dimensions differ from the options.
    static func load(options: TrainingOptions, initialModel: URL?, checkpoint: URL?) throws -> StartingPoint? {
        if let checkpoint {
            guard FileManager.default.fileExists(atPath: checkpoint.path) else {
                throw TrainingError.incompatibleModel(
                    source: checkpoint.path,
                    reason: "there is no checkpoint to resume from (it is written after each epoch)")
            }
            let file = try ModelFile.read(from: checkpoint)
            let model = try model(from: file, path: checkpoint.path, options: options)
            let record = try file.metadata(StoredProgress.self, forKey: ModelFile.trainingKey)
            return StartingPoint(
                network: model.network, info: model.info, progress: record?.progress, members: model.members)
        }
        guard let initialModel else { return nil }
        let model = try model(from: try ModelFile.read(from: initialModel), path: initialModel.path, options: options)
        return StartingPoint(network: model.network, info: model.info, progress: nil)
    }

    private static func model(from file: ModelFile, path: String, options: TrainingOptions) throws -> SegmentationModel
    {
        let model = try SegmentationModel(file: file, source: path)
        let (info, network) = (model.info, model.network)
        guard info.task == options.task else {
            throw TrainingError.incompatibleModel(
                source: path, reason: "it was trained for the \(info.task.rawValue) task, not \(options.task.rawValue)")
        }
        guard network.configuration.dimensions == options.dimensions else {
            throw TrainingError.incompatibleModel(
                source: path,
                reason: "it is a \(network.configuration.dimensions)D network; the training is \(options.dimensions)D")
        }
        return model
    }
}
