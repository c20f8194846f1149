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

/// The files a run resumes from (see `Trainer.checkpointFiles`).
struct Checkpoints {
    var latest: URL
    var previous: URL
    /// Where versions before the one-file checkpoint kept the optimizer's state.
    var legacyOptimizer: URL
}

/// The network (and, when resuming, progress and optimizer state) a run starts from instead of a fresh
/// initialisation.
struct StartingPoint {
    var network: UNet
    var info: SegmentationModelInfo
    var progress: TrainingProgress?
    /// Resuming a checkpoint ensemble: the members of the cycles already finished.
    var members: [UNet] = []
    var optimizer: OptimizerState?
    /// What went wrong on the way, when resuming had to fall back.
    var recovery: String?

    /// The checkpoint to resume (the latest readable one) when given, else the model to fine-tune, else nil.
    ///
    /// - Throws: `TrainingError.incompatibleModel` when no checkpoint exists or none can be read, or when the
    ///   model's task or dimensions differ from the options.
    static func load(options: TrainingOptions, initialModel: URL?, checkpoints: Checkpoints?) throws -> StartingPoint? {
        if let checkpoints { return try resume(from: checkpoints, options: options) }
        guard let initialModel else { return nil }
        let model = try model(from: try ModelFile.read(from: initialModel), path: initialModel.path, options: options)
        return StartingPoint(network: model.network, info: model.info, progress: nil)
    }

    /// The latest checkpoint, or the previous one (reported in `recovery`) when the latest is missing or unreadable.
    private static func resume(from checkpoints: Checkpoints, options: TrainingOptions) throws -> StartingPoint {
        let candidates = [checkpoints.latest, checkpoints.previous].filter {
            FileManager.default.fileExists(atPath: $0.path)
        }
        guard !candidates.isEmpty else {
            throw TrainingError.incompatibleModel(
                source: checkpoints.latest.path,
                reason: "there is no checkpoint to resume from (it is written after each epoch)")
        }
        var firstFailure: (any Error)?
        for url in candidates {
            do {
                var point = try checkpoint(url, options: options, legacyOptimizer: checkpoints.legacyOptimizer)
                if let firstFailure {
                    point.recovery =
                        "the last checkpoint could not be read (\(firstFailure)); resumed from the one before"
                }
                if point.optimizer == nil {
                    let note = "the checkpoint holds no optimizer state; the optimizer restarts"
                    point.recovery = point.recovery.map { "\($0); \(note)" } ?? note
                }
                return point
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        throw firstFailure
            ?? TrainingError.incompatibleModel(source: checkpoints.latest.path, reason: "it cannot be read")
    }

    private static func checkpoint(_ url: URL, options: TrainingOptions, legacyOptimizer: URL) throws -> StartingPoint {
        let file = try ModelFile.read(from: url)
        let model = try model(from: file, path: url.path, options: options)
        let record = try file.metadata(StoredProgress.self, forKey: ModelFile.trainingKey)
        let optimizer =
            try OptimizerState.extract(from: file, source: url.path)
            ?? (try? OptimizerState.read(from: legacyOptimizer))
        return StartingPoint(
            network: model.network, info: model.info, progress: record?.progress, members: model.members,
            optimizer: optimizer)
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
