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

    /// One JSON object on one line, with the kind under "event" beside the payload's fields.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(TaggedEvent(event: self)), as: UTF8.self)
    }
}

/// A training event as JSON: its payload's fields and `"event": kind` in one object.
private struct TaggedEvent: Encodable {
    var event: TrainingEvent

    private enum Key: String, CodingKey { case event, path, epoch, members }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch event {
        case .started(let value):
            try value.encode(to: encoder)
            try container.encode("started", forKey: .event)
        case .step(let value):
            try value.encode(to: encoder)
            try container.encode("step", forKey: .event)
        case .epoch(let value):
            try value.encode(to: encoder)
            try container.encode("epoch", forKey: .event)
        case .checkpoint(let path, let epoch):
            try container.encode("checkpoint", forKey: .event)
            try container.encode(path, forKey: .path)
            try container.encode("\(epoch)", forKey: .epoch)
        case .cycle(let epoch, let members):
            try container.encode("cycle", forKey: .event)
            try container.encode(epoch, forKey: .epoch)
            try container.encode(members, forKey: .members)
        case .finished(let value):
            try value.encode(to: encoder)
            try container.encode("finished", forKey: .event)
        }
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
public enum StopReason: String, Codable, Sendable, CaseIterable {
    /// The requested epochs are done.
    case epochs
    /// The time budget is spent.
    case timeBudget = "time budget"
    /// Someone asked it to stop (`TrainingInterruption.stopped`): it ended with its best model.
    case stopped
    /// It was paused for a shutdown (`TrainingInterruption.paused`): a checkpoint is written, `resume` continues.
    case paused
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
