import Foundation

/// Progress of a training run, as the trainer reports it (the command line prints a progress bar or, with
/// `--json`, one event per line; the server streams them).
public enum TrainingEvent: Sendable {
    case started(TrainingStart)
    case step(TrainingStep)
    case epoch(EpochReport)
    case checkpoint(path: String, epoch: Int)
    /// A checkpoint-ensemble cycle ended after `epoch`; the model now holds `members` finished networks.
    case cycle(epoch: Int, members: Int)
    case finished(TrainingSummary)

    /// The kind of event, as JSON lines and event streams name it.
    public var kind: String {
        switch self {
        case .started: "started"
        case .step: "step"
        case .epoch: "epoch"
        case .checkpoint: "checkpoint"
        case .cycle: "cycle"
        case .finished: "finished"
        }
    }

    /// One JSON object on one line: `"event": kind` first, then the payload's fields (sorted). Non-finite numbers
    /// (a diverged loss) are written as the strings "NaN", "Infinity" and "-Infinity".
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let payload: Data
        switch self {
        case .started(let value): payload = try encoder.encode(value)
        case .step(let value): payload = try encoder.encode(value)
        case .epoch(let value): payload = try encoder.encode(value)
        case .checkpoint(let path, let epoch): payload = try encoder.encode(["path": path, "epoch": "\(epoch)"])
        case .cycle(let epoch, let members): payload = try encoder.encode(["epoch": epoch, "members": members])
        case .finished(let value): payload = try encoder.encode(value)
        }
        // `kind` is one of six fixed words: splicing it in keeps "event" first without re-encoding the payload.
        let body = String(decoding: payload, as: UTF8.self)
        let tag = "{\"event\":\"\(kind)\""
        return body == "{}" ? tag + "}" : tag + "," + body.dropFirst()
    }
}

public struct TrainingStart: Codable, Sendable {
    public var task: SegmentationTask
    public var trainingImages: Int
    public var validationImages: Int
    public var parameters: Int
    public var stepsPerEpoch: Int
    public var epochs: Int?
    public var timeBudgetSeconds: Double?
    public var resumedFromEpoch: Int?
    /// When resuming had to fall back (an unreadable last checkpoint, a missing optimizer state): what happened.
    public var recovery: String? = nil
}

public struct TrainingStep: Codable, Sendable {
    public var epoch: Int
    /// Step within the epoch, from 1.
    public var step: Int
    public var stepsPerEpoch: Int
    public var loss: Double
    public var elapsedSeconds: Double
    /// Estimated seconds until training stops.
    public var etaSeconds: Double?
}

public struct EpochReport: Codable, Sendable {
    public var epoch: Int
    public var steps: Int
    public var trainingLoss: Double
    public var learningRate: Double
    /// Validation scores by name (for example "ap50", "pixel_accuracy", "foreground_iou"); empty without
    /// validation images.
    public var validation: [String: Double]
    /// The score that selects the best model, and its name.
    public var score: Double?
    public var scoreName: String
    public var isBest: Bool
    public var elapsedSeconds: Double
    public var etaSeconds: Double?
}

public struct TrainingSummary: Codable, Sendable {
    public var epochs: Int
    public var steps: Int
    public var elapsedSeconds: Double
    public var bestEpoch: Int?
    public var bestScore: Double?
    public var scoreName: String
    public var modelPath: String
    /// Why training stopped.
    public var stopReason: StopReason
    /// The instance thresholds chosen on the validation images (stored in the model), and their AP at 0.5.
    public var instanceOptions: InstanceOptions?
    public var tunedScore: Double?
}

/// Why a training run ended (its JSON form is the raw value).
public enum StopReason: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// The requested epochs are done.
    case epochs
    /// The time budget is spent.
    case timeBudget = "time budget"
    /// Someone asked it to stop (`TrainingInterruption.stopped`): it ended with its best model.
    case stopped
    /// It was paused for a shutdown (`TrainingInterruption.paused`): a checkpoint is written, `resume` continues.
    case paused

    /// The words of the JSON form ("time budget").
    public var description: String { rawValue }
}

/// What a running training can be asked to do instead of continuing (see `Trainer.run(events:interruption:)`).
public enum TrainingInterruption: String, Sendable {
    /// The stop reason this interruption ends a run with.
    public var stopReason: StopReason { self == .stopped ? .stopped : .paused }

    /// End now as if the budget were spent: validate the epoch, keep the best model, tune its thresholds.
    case stopped
    /// Save a checkpoint and return at once (a server shutting down): `resume` continues later.
    case paused
}
