import Foundation

/// Trains a segmentation U-Net on labelled images: patches with augmentation drawn on a background thread,
/// AdamW, a learning-rate schedule, validation each epoch, the best model kept, resumable checkpoints.
///
/// A run reads top-down in `run(events:interruption:)`; the steps live in `TrainingRun`.
public final class Trainer {
    public let options: TrainingOptions
    let entries: [DatasetEntry]
    /// Where the best model goes; the checkpoint sits beside it (`checkpointURL`).
    public let output: URL
    /// Fine-tune from this model's weights (its task, dimensions and channels must match).
    let initialModel: URL?
    /// Continue from `output`'s checkpoint: weights, optimiser state, epoch, elapsed time, best score.
    let resume: Bool

    public init(
        options: TrainingOptions, dataset: [DatasetEntry], output: URL, from initialModel: URL? = nil,
        resume: Bool = false
    ) {
        self.options = options
        self.entries = dataset
        self.output = output
        self.initialModel = initialModel
        self.resume = resume
    }

    /// The resumable checkpoint written every `checkpointEvery` epochs: `<output stem>.checkpoint.safetensors`,
    /// one file holding weights, progress and the optimiser's state, so it is committed by one rename.
    public var checkpointURL: URL { Self.checkpointFiles(for: output)[0] }
    /// The checkpoint before the last, kept so that an unreadable last one does not lose the run.
    var previousCheckpointURL: URL { Self.checkpointFiles(for: output)[1] }
    /// The optimiser state's own file, as versions before the one-file checkpoint wrote it (read when resuming one).
    var legacyOptimizerURL: URL { Self.checkpointFiles(for: output)[2] }

    /// The files a run writes beside `output` to resume from: the checkpoint, the one before it, and the
    /// optimiser file of older versions.
    public static func checkpointFiles(for output: URL) -> [URL] {
        [
            sibling(of: output, suffix: "checkpoint.safetensors"),
            sibling(of: output, suffix: "checkpoint.previous.safetensors"),
            sibling(of: output, suffix: "checkpoint.optimizer.safetensors"),
        ]
    }

    /// Whether a run beside `output` can be resumed: a checkpoint (or the one before it) exists.
    public static func hasCheckpoint(for output: URL) -> Bool {
        checkpointFiles(for: output).prefix(2).contains { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func sibling(of url: URL, suffix: String) -> URL {
        url.deletingPathExtension().appendingPathExtension(suffix)
    }

    /// Runs training until the epochs or the time budget are used up, or `interruption` asks otherwise (asked
    /// after every step), reporting progress to `events`.
    ///
    /// - Returns: the summary also sent as the last event.
    /// - Throws: `TrainingError` for bad options, data or models; engine errors from the network.
    @discardableResult
    public func run(
        events: (TrainingEvent) -> Void, interruption: () -> TrainingInterruption? = { nil }
    ) throws -> TrainingSummary {
        try options.validate()
        let run = try TrainingRun(trainer: self)
        events(.started(run.startReport))
        while run.stopReason == nil {
            let epoch = try run.trainEpoch(events: events, interruption: interruption)
            if run.stopReason == .paused {
                events(try run.writeCheckpoint())
                return finish(try run.pausedSummary(), events: events)
            }
            events(.epoch(try run.scoreAndKeepBest(epoch)))
            try run.advanceSchedule(after: epoch).map(events)
            if run.checkpointIsDue(after: epoch.epoch) { events(try run.writeCheckpoint()) }
        }
        return finish(try run.finalSummary(), events: events)
    }

    private func finish(_ summary: TrainingSummary, events: (TrainingEvent) -> Void) -> TrainingSummary {
        events(.finished(summary))
        return summary
    }
}
