import Basics
import Foundation
import Networks
import Settings
import Tensors

/// One training run's state, from the prepared data and model to the progress so far. `Trainer.run` drives it
/// through its steps: train an epoch, score it and keep the best model, advance the schedule, checkpoint, finish.
final class TrainingRun {
    let options: TrainingOptions
    let output: URL
    let checkpointURL: URL
    let previousCheckpointURL: URL
    let data: TrainingData
    let info: SegmentationModelInfo
    let network: UNet
    let model: SegmentationModel
    var optimizer: AdamW
    var progress: TrainingProgress
    let sampler: PatchSampler
    let stepsPerEpoch: Int
    /// Scores each epoch on a fixed subset of the held-out images.
    let validator: Validator
    let objective: any TrainingObjective
    let blindSpot: BlindSpot?
    /// Whether the run continues a checkpoint.
    let resumed: Bool
    /// What went wrong reading the checkpoint, when the run had to fall back (reported in the start event).
    let recovery: String?
    var dropout: RandomGenerator?
    private(set) var stopReason: StopReason?
    /// The last epoch's validation score (nil without validation images).
    var lastEpochScore: Double?
    private let start: ContinuousClock.Instant
    private let elapsedBefore: Double

    /// Prepares a run of `trainer`: the starting point (checkpoint, fine-tuned model or fresh weights), the data,
    /// the model, optimiser, sampler, validator and objective.
    init(trainer: Trainer) throws {
        start = ContinuousClock.now
        let options = trainer.options
        self.options = options
        output = trainer.output
        checkpointURL = trainer.checkpointURL
        previousCheckpointURL = trainer.previousCheckpointURL
        let startingPoint = try StartingPoint.load(
            options: options, initialModel: trainer.initialModel,
            checkpoints: trainer.resume
                ? Checkpoints(
                    latest: trainer.checkpointURL, previous: trainer.previousCheckpointURL,
                    legacyOptimizer: trainer.legacyOptimizerURL) : nil)
        recovery = startingPoint?.recovery
        let cellDiameter = Self.cellDiameter(options: options, startingPoint: startingPoint)
        data = try Self.loadData(
            trainer.entries, options: options, startingPoint: startingPoint, cellDiameter: cellDiameter)
        let mixture =
            try options.task == .scribbles
            ? Self.mixtureLayout(options: options, data: data, startingLayout: startingPoint?.info.mixtureLayout) : nil
        info = SegmentationModelInfo(
            task: options.task, input: InputPreparation(channels: data.channels), classCount: data.classCount,
            patchShape: options.effectivePatchShape, spacing: data.spacing,
            instances: startingPoint?.info.instances ?? InstanceOptions(), mixture: mixture, cellDiameter: cellDiameter)
        let configuration = UNetConfiguration(
            dimensions: options.dimensions, inputChannels: data.channels,
            outputChannels: options.task.outputChannels(
                classCount: data.classCount, inputChannels: data.channels, mixture: mixture),
            widths: options.widths, dropout: options.dropout, upsampling: options.upsampling,
            normalization: options.normalization)
        network = try startingPoint?.network ?? UNet(configuration, seed: options.seed)
        model = SegmentationModel(network: network, info: info, members: startingPoint?.members ?? [])
        optimizer = try AdamW(
            parameters: network.namedParameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        progress = startingPoint?.progress ?? TrainingProgress()
        resumed = startingPoint?.progress != nil
        elapsedBefore = progress.elapsedSeconds
        if options.schedule == .plateau, progress.plateau == nil {
            progress.plateau = try ReduceOnPlateauSchedule(
                initialLearningRate: options.learningRate,
                options: .init(factor: 0.2, patience: options.plateauPatience))
        }
        if let state = startingPoint?.optimizer { try optimizer.load(state) }
        sampler = try PatchSampler(
            patchShape: options.effectivePatchShape, augmentation: options.augmentation,
            foregroundFraction: options.task == .scribbles ? options.scribbleFraction : options.foregroundFraction)
        stepsPerEpoch = options.stepsPerEpoch ?? Self.automaticStepsPerEpoch(data.training, options: options)
        validator = Validator(task: options.task, samples: Array(data.validation.prefix(options.validationImageLimit)))
        objective =
            mixture.map {
                ScribbleLoss(
                    layout: $0, foregroundWeight: options.scribbleWeight, backgroundWeight: options.scribbleWeight,
                    reconstructionWeight: options.reconstructionWeight,
                    totalVariationWeight: options.totalVariationWeight)
            } ?? TrainingLoss(head: model.head, channels: configuration.outputChannels)
        blindSpot = options.task == .scribbles && options.reconstructionWeight > 0 ? options.blindSpot : nil
        dropout = RandomGenerator(seed: options.seed &+ 7919 &* UInt64(progress.epoch + 1))
    }

    /// Wall-clock seconds of the whole run, earlier attempts included.
    var elapsed: Double { elapsedBefore + (ContinuousClock.now - start).seconds }

    var startReport: TrainingStart {
        TrainingStart(
            task: options.task, trainingImages: data.training.count, validationImages: data.validation.count,
            parameters: network.parameterCount, stepsPerEpoch: stepsPerEpoch, epochs: options.epochs,
            timeBudgetSeconds: options.timeBudgetSeconds, resumedFromEpoch: resumed ? progress.epoch : nil,
            recovery: recovery)
    }

    /// Ends the run after the current epoch (or at once, for a pause) with `reason`, unless it has one already.
    func stop(_ reason: StopReason) {
        if stopReason == nil { stopReason = reason }
    }

    /// The diameter cells are resized to: the options', else a fine-tuned model's (0: none); 2D instances only.
    static func cellDiameter(options: TrainingOptions, startingPoint: StartingPoint?) -> Double? {
        guard options.task == .instances && options.dimensions == 2 else { return nil }
        return (options.cellDiameter ?? startingPoint?.info.cellDiameter).flatMap { $0 > 0 ? $0 : nil }
    }

    static func loadData(
        _ entries: [DatasetEntry], options: TrainingOptions, startingPoint: StartingPoint?, cellDiameter: Double?
    ) throws -> TrainingData {
        guard options.task == .scribbles else {
            return try TrainingData.load(
                entries, options: options, channels: startingPoint?.info.input.channels,
                classCount: startingPoint?.info.classCount, cellDiameter: cellDiameter)
        }
        return try TrainingData.loadScribbles(
            entries, options: options, channels: startingPoint?.info.input.channels,
            taskClasses: startingPoint?.info.mixtureLayout?.tasks.map(\.classes))
    }

    /// The scribbles head: a fine-tuned model's own (the options may not ask for another), else the options'
    /// for the tasks and classes in `data`.
    static func mixtureLayout(
        options: TrainingOptions, data: TrainingData, startingLayout: MixtureLayout?
    ) throws -> MixtureLayout {
        let classes = data.taskClassCounts ?? [data.classCount]
        guard let startingLayout else {
            return try options.mixtureLayout(taskClasses: classes, inputChannels: data.channels)
        }
        if options.mixtureComponents != nil || options.reconstructedChannels != nil {
            let requested = try options.mixtureLayout(taskClasses: classes, inputChannels: data.channels)
            guard requested == startingLayout else {
                // Blame the setting the user gave (components when both were).
                let setting: TrainingSetting =
                    options.mixtureComponents != nil ? .mixtureComponents : .reconstructedChannels
                let given =
                    setting == .mixtureComponents
                    ? "\(requested.tasks.map(\.components))" : "\(requested.tasks.map(\.reconstructedChannels))"
                throw TrainingError.invalid(
                    setting, given, "left out when fine-tuning",
                    context: "the model being fine-tuned has components \(startingLayout.tasks.map(\.components)) and "
                        + "reconstructs \(startingLayout.tasks.map(\.reconstructedChannels))")
            }
        }
        return startingLayout
    }

    /// Enough steps to draw each training pixel about once per epoch, between 20 and 400.
    static func automaticStepsPerEpoch(_ samples: [TrainingSample], options: TrainingOptions) -> Int {
        let pixels = samples.reduce(0) { $0 + $1.image.planeCount }
        let perStep = options.effectiveBatchSize * options.effectivePatchShape.reduce(1, *)
        return min(400, max(20, (pixels + perStep - 1) / perStep))
    }
}
